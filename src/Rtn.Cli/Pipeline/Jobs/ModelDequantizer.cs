using Rtn.Cli.Pipeline.Formats;
using Rtn.Safetensors;

namespace Rtn.Cli.Pipeline.Jobs;

/// <summary>What <c>rtn dequantize</c> did.</summary>
internal sealed record DequantizeResult(RewriteResult Output, int Dequantized, int Copied);

/// <summary>
/// Turns an RTN-quantized checkpoint back into dense weights in the scales' dtype, reading
/// the scheme from each file's metadata and each tensor's bits and group size from its shapes.
/// </summary>
internal sealed class ModelDequantizer(KernelOptions options)
{
    public DequantizeResult Run(string input, string output, Action<string> warn, IProgress<ProgressUpdate>? progress = null, OutputOptions outputOptions = default)
    {
        using var checkpoint = SafetensorsCheckpoint.Open(input);
        var layout = CheckpointLayout.Resolve(input, output, checkpoint, warn);
        var pairs = QuantizedTensor.ReadAll(checkpoint);
        var consumedScales = pairs.Values.Select(pair => pair.Scale.Name).ToHashSet(StringComparer.Ordinal);

        var shards = checkpoint.Files
            .Select(file => new ShardPlan(file, [.. file.Tensors
                .Where(tensor => !consumedScales.Contains(tensor.Name))
                .Select(tensor => pairs.TryGetValue(tensor.Name, out var pair)
                    ? (TensorJob)new DequantizeJob(checkpoint[pair.Weight.Name], checkpoint[pair.Scale.Name], pair)
                    : new CopyJob(file, tensor))]))
            .ToArray();

        var config = layout.ConfigPath is { } configPath ? ModelConfigFile.WithoutQuantization(configPath) : null;
        var result = ModelRewriter.Write(layout, checkpoint, shards, QuantizationMetadata.Without, config, options, outputOptions, warn, progress);
        return new DequantizeResult(result, pairs.Count, shards.Sum(s => s.Jobs.Count) - pairs.Count);
    }
}
