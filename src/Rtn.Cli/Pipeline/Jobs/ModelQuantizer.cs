using System.Text.Json.Nodes;
using Rtn.Cli.Pipeline.Formats;
using Rtn.Cli.Pipeline.Planning;
using Rtn.Safetensors;

namespace Rtn.Cli.Pipeline.Jobs;

/// <summary>How <c>rtn quantize</c> chooses and quantizes tensors.</summary>
/// <param name="Scheme">Default configuration, byte layout (of the <c>rtn</c> save format) and per-pattern overrides.</param>
/// <param name="SkipRules">Tensors matching any of these are copied unchanged.</param>
/// <param name="SkipUnfit">Copy tensors whose shape does not fit their configuration (with a warning) instead of failing.</param>
/// <param name="Options">Kernel threads and tier.</param>
/// <param name="Save">How the quantized checkpoint is laid out.</param>
internal sealed record QuantizeSettings(QuantizationScheme Scheme, IReadOnlyList<SkipRule> SkipRules, bool SkipUnfit, KernelOptions Options, SaveFormat Save = SaveFormat.CompressedTensors);

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
        if (QuantizedCheckpoint.Detect(checkpoint, input) is { } quantized)
        {
            throw new ToolException($"{input} is already quantized ({quantized.Name()}); quantize the full-precision model, or dequantize it first.");
        }

        var selector = new TensorSelector(settings.Scheme, settings.SkipRules);
        var plans = ResolveUnfit([.. checkpoint.Files.Select(file => (file, file.Tensors.Select(selector.Plan).ToArray()))], warn);
        TensorPlan[] allPlans = [.. plans.SelectMany(p => p.Plans)];
        if (settings.Save == SaveFormat.CompressedTensors)
        {
            ServingChecks.RequireFusedPartsAgree(allPlans);
            foreach (var warning in ServingChecks.MarlinWarnings(allPlans))
            {
                warn(warning);
            }
        }

        var (usedOverrides, usedSkips) = WarnUnusedRules(allPlans, warn);
        var scheme = settings.Scheme with { Format = QuantizedOutputs.KernelLayout(settings.Save, settings.Scheme.Format), Overrides = usedOverrides };
        var shards = new List<ShardPlan>();
        var buffers = new ReusedBuffers();
        foreach (var (file, filePlans) in plans)
        {
            var jobs = new List<TensorJob>();
            foreach (var plan in filePlans)
            {
                jobs.Add(plan.Action == TensorAction.Quantize ? QuantizeJobFor(checkpoint, file, plan, scheme.Format, buffers) : new CopyJob(file, plan.Tensor));
            }

            shards.Add(new ShardPlan(file, jobs));
        }

        var quantizedNames = allPlans.Where(p => p.Action == TensorAction.Quantize).Select(p => p.Tensor.Name).ToHashSet(StringComparer.Ordinal);
        if (quantizedNames.Count == 0)
        {
            warn($"No tensor of {input} was quantized, so the output makes no quantization claim: its metadata and config.json are the input's.");
        }

        var config = layout.ConfigPath is not { } configPath ? null
            : quantizedNames.Count == 0 ? File.ReadAllText(configPath)
            : ModelConfigFile.WithQuantization(configPath, ConfigEntries(scheme, usedSkips, allPlans));
        IReadOnlyDictionary<string, string> Metadata(SafetensorsFile file) =>
            quantizedNames.Count == 0 ? file.Metadata
            : QuantizationMetadata.With(file.Metadata, scheme, settings.Save, usedSkips, file.Tensors.Select(t => t.Name).Where(quantizedNames.Contains));
        var result = ModelRewriter.Write(layout, checkpoint, shards, Metadata, config, settings.Options, outputOptions, warn, progress);
        return new QuantizeResult(result, allPlans);
    }

    private QuantizeJob QuantizeJobFor(SafetensorsCheckpoint checkpoint, SafetensorsFile file, TensorPlan plan, RtnFormat format, ReusedBuffers buffers)
    {
        var job = new QuantizeJob(file, plan, settings.Save, format, buffers);
        foreach (var output in job.Outputs.Where(o => o.Name != plan.Tensor.Name))
        {
            if (checkpoint.TryGetTensor(output.Name, out var clash))
            {
                throw new ToolException(
                    $"{clash.File.Path}: tensor '{output.Name}' already exists, so '{plan.Tensor.Name}' cannot be stored under that name; is this checkpoint already quantized?");
            }
        }

        return job;
    }

    private List<KeyValuePair<string, JsonNode>> ConfigEntries(QuantizationScheme scheme, IReadOnlyList<SkipRule> usedSkips, TensorPlan[] plans)
    {
        switch (settings.Save)
        {
            case SaveFormat.CompressedTensors:
                return [new(ModelConfigFile.QuantizationConfigKey, CompressedTensorsConfigBuilder.Build(scheme.Defaults, plans))];
            case SaveFormat.Mlx:
                var quantization = MlxConfigBuilder.Build(scheme.Defaults, plans);
                return [new(MlxConfigBuilder.QuantizationKey, quantization), new(ModelConfigFile.QuantizationConfigKey, quantization.DeepClone())];
            default:
                var names = plans.Where(p => p.Action == TensorAction.Quantize).Select(p => p.Tensor.Name);
                return [new(ModelConfigFile.QuantizationConfigKey, ModelConfigFile.RtnQuantizationConfig(scheme, usedSkips, names))];
        }
    }

    /// <summary>
    /// Warns about each override and user skip rule that decided no tensor, and returns the
    /// overrides and skip rules that did (what the output records).
    /// </summary>
    private (QuantizationOverride[] Overrides, SkipRule[] Skips) WarnUnusedRules(TensorPlan[] plans, Action<string> warn)
    {
        var overrides = settings.Scheme.Overrides.Where(o => plans.Any(p => ReferenceEquals(p.Override, o))).ToArray();
        foreach (var unused in settings.Scheme.Overrides.Except(overrides))
        {
            warn($"--override '{unused}' matches no weight that is quantized (or an earlier override takes them); it has no effect.");
        }

        var skips = settings.SkipRules.Where(r => plans.Any(p => ReferenceEquals(p.SkippedBy, r))).ToArray();
        foreach (var unused in settings.SkipRules.Except(skips).Where(r => !SkipRule.Defaults.Contains(r)))
        {
            warn($"--skip '{unused.Pattern}' matches no weight that would be quantized; it has no effect.");
        }

        return (overrides, skips);
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
