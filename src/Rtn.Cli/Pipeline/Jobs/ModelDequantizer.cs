using Rtn.Cli.Pipeline.Formats;
using Rtn.Safetensors;

namespace Rtn.Cli.Pipeline.Jobs;

/// <summary>What <c>rtn dequantize</c> did.</summary>
internal sealed record DequantizeResult(RewriteResult Output, int Dequantized, int Copied);

/// <summary>
/// Turns a quantized checkpoint (any save format) back into dense weights in the scales' dtype,
/// reading the scheme from the metadata or config and each tensor's bits and group size from its shapes.
/// </summary>
internal sealed class ModelDequantizer(KernelOptions options)
{
    public DequantizeResult Run(string input, string output, Action<string> warn, IProgress<ProgressUpdate>? progress = null, OutputOptions outputOptions = default)
    {
        using var checkpoint = SafetensorsCheckpoint.Open(input);
        var layout = CheckpointLayout.Resolve(input, output, checkpoint, warn);
        if (QuantizedCheckpoint.Detect(checkpoint, input) is null)
        {
            throw new ToolException(
                $"{input}: not a quantized checkpoint (no quant_method rtn in its __metadata__, no compressed-tensors or MLX quantization in a model folder's config.json, no *.weight_packed tensors).");
        }

        var pairs = QuantizedCheckpoint.ReadAll(checkpoint, input).Values.ToDictionary(pair => pair.Weight.Name, StringComparer.Ordinal);
        var consumed = pairs.Values.SelectMany(pair => pair.Parts.Skip(1)).Select(part => part.Name).ToHashSet(StringComparer.Ordinal);

        var shards = checkpoint.Files
            .Select(file => new ShardPlan(file, [.. file.Tensors
                .Where(tensor => !consumed.Contains(tensor.Name))
                .Select(tensor => pairs.TryGetValue(tensor.Name, out var pair)
                    ? (TensorJob)new DequantizeJob(checkpoint[pair.Weight.Name], checkpoint[pair.Scale.Name], pair)
                    : new CopyJob(file, tensor))]))
            .ToArray();

        var config = layout.ConfigPath is { } configPath ? ModelConfigFile.WithoutQuantization(configPath) : null;
        var result = ModelRewriter.Write(layout, checkpoint, shards, file => QuantizationMetadata.Without(file.Metadata), config, options, outputOptions, warn, progress);
        return new DequantizeResult(result, pairs.Count, shards.Sum(s => s.Jobs.Count) - pairs.Count);
    }
}
