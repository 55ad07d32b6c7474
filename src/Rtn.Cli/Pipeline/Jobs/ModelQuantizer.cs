using Rtn.Cli.Pipeline.Formats;
using Rtn.Cli.Pipeline.Planning;
using Rtn.Safetensors;

namespace Rtn.Cli.Pipeline.Jobs;

/// <summary>How <c>rtn quantize</c> chooses and quantizes tensors.</summary>
/// <param name="Scheme">Default configuration, byte layout and per-pattern overrides.</param>
/// <param name="SkipRules">Tensors matching any of these are copied unchanged.</param>
/// <param name="SkipUnfit">Copy tensors whose shape does not fit their configuration (with a warning) instead of failing.</param>
/// <param name="Options">Kernel threads and tier.</param>
internal sealed record QuantizeSettings(QuantizationScheme Scheme, IReadOnlyList<SkipRule> SkipRules, bool SkipUnfit, KernelOptions Options);

/// <summary>What <c>rtn quantize</c> did.</summary>
internal sealed record QuantizeResult(RewriteResult Output, IReadOnlyList<TensorPlan> Plans);

/// <summary>
/// Quantizes a checkpoint: plans every tensor first (so a tensor that cannot be quantized is
/// reported before anything is written), then streams the output shard by shard.
/// </summary>
internal sealed class ModelQuantizer(QuantizeSettings settings)
{
    public QuantizeResult Run(string input, string output, Action<string> warn, IProgress<ProgressUpdate>? progress = null, OutputOptions outputOptions = default)
    {
        using var checkpoint = SafetensorsCheckpoint.Open(input);
        var layout = CheckpointLayout.Resolve(input, output, checkpoint, warn);
        if (checkpoint.Files.FirstOrDefault(file => QuantizationMetadata.IsQuantized(file.Metadata)) is { } quantized)
        {
            throw new ToolException($"{quantized.Path} is already RTN-quantized; quantize the full-precision model, or dequantize it first.");
        }

        var selector = new TensorSelector(settings.Scheme, settings.SkipRules);
        var plans = ResolveUnfit([.. checkpoint.Files.Select(file => (file, file.Tensors.Select(selector.Plan).ToArray()))], warn);

        var shards = new List<ShardPlan>();
        foreach (var (file, filePlans) in plans)
        {
            var jobs = new List<TensorJob>();
            foreach (var plan in filePlans)
            {
                if (plan.Action == TensorAction.Quantize)
                {
                    var scaleName = QuantizedNames.ScaleFor(plan.Tensor.Name);
                    if (checkpoint.TryGetTensor(scaleName, out var clash))
                    {
                        throw new ToolException(
                            $"{clash.File.Path}: tensor '{scaleName}' already exists, so '{plan.Tensor.Name}' cannot get its scales under that name; is this checkpoint already quantized?");
                    }

                    jobs.Add(new QuantizeJob(file, plan, settings.Scheme.Format));
                }
                else
                {
                    jobs.Add(new CopyJob(file, plan.Tensor));
                }
            }

            shards.Add(new ShardPlan(file, jobs));
        }

        var config = layout.ConfigPath is { } configPath ? ModelConfigFile.WithQuantization(configPath, settings.Scheme.Defaults) : null;
        var result = ModelRewriter.Write(
            layout, checkpoint, shards, metadata => QuantizationMetadata.With(metadata, settings.Scheme), config, settings.Options, outputOptions, warn, progress);
        return new QuantizeResult(result, [.. plans.SelectMany(p => p.Plans)]);
    }

    /// <summary>
    /// Fails listing every tensor whose shape does not fit (up to a few), or with
    /// <see cref="QuantizeSettings.SkipUnfit"/> turns each into a copy with a warning.
    /// </summary>
    private (SafetensorsFile File, TensorPlan[] Plans)[] ResolveUnfit((SafetensorsFile File, TensorPlan[] Plans)[] plans, Action<string> warn)
    {
        var descriptions = plans
            .SelectMany(p => p.Plans.Where(plan => plan.Action == TensorAction.Unfit).Select(plan =>
                $"{p.File.Path}: tensor '{plan.Tensor.Name}' ({QuantizedTensor.Dims(plan.Tensor)}) cannot be quantized as {plan.Config!.Name}: {plan.Reason}"))
            .ToArray();
        if (descriptions.Length == 0)
        {
            return plans;
        }

        if (!settings.SkipUnfit)
        {
            const int Shown = 5;
            var more = descriptions.Length > Shown ? $"\n... and {descriptions.Length - Shown} more" : string.Empty;
            throw new ToolException(
                string.Join("\n", descriptions.Take(Shown)) + more
                + "\nLeave such tensors in full precision with --skip REGEX, give them another group size with --override REGEX=BITS:GROUP, or copy every such tensor unchanged with --skip-unfit.");
        }

        foreach (var description in descriptions)
        {
            warn($"{description}; copied unchanged (--skip-unfit).");
        }

        return [.. plans.Select(p => (p.File, p.Plans.Select(plan => plan.Action == TensorAction.Unfit ? TensorPlan.Copy(plan.Tensor, $"unfit: {plan.Reason}") : plan).ToArray()))];
    }
}
