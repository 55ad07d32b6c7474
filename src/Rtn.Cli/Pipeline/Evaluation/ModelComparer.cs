using Rtn.Cli.Pipeline.Formats;
using Rtn.Safetensors;

namespace Rtn.Cli.Pipeline.Evaluation;

/// <summary>
/// Compares a checkpoint with an approximation of it, tensor by tensor: quantized weights are
/// dequantized (with the scheme in the file's metadata or the model's config, in any save format) and measured against the original;
/// other tensors must be identical or, if floating-point, are measured too. Works on any two
/// checkpoints with the same tensor names (e.g. an original and its dequantized copy).
/// </summary>
internal sealed class ModelComparer(KernelOptions options)
{
    public ComparisonResult Compare(string originalPath, string approximationPath, Action<string> warn, IProgress<ProgressUpdate>? progress = null)
    {
        using var original = SafetensorsCheckpoint.Open(originalPath);
        using var approximation = SafetensorsCheckpoint.Open(approximationPath);
        var pairs = QuantizedCheckpoint.ReadAll(approximation, approximationPath);

        var compared = new List<TensorComparison>();
        var identical = 0;
        var total = original.Tensors.Sum(t => t.Tensor.ByteLength);
        var done = 0L;
        for (var i = 0; i < original.Tensors.Count; i++)
        {
            var (file, tensor) = original.Tensors[i];
            progress?.Report(new ProgressUpdate(tensor.Name, i, original.Tensors.Count, done, total));
            done += tensor.ByteLength;
            if (pairs.TryGetValue(tensor.Name, out var quantized))
            {
                compared.Add(CompareQuantized(file, tensor, approximation, quantized));
            }
            else if (!approximation.TryGetTensor(tensor.Name, out var other))
            {
                throw new ToolException($"{approximationPath} has no tensor '{tensor.Name}' (it is in {file.Path}).");
            }
            else if (other.Tensor.DType == tensor.DType && other.Tensor.Shape.SequenceEqual(tensor.Shape)
                && file.GetBytes(tensor).SequenceEqual(other.File.GetBytes(other.Tensor)))
            {
                identical++;
            }
            else
            {
                compared.Add(CompareDense(file, tensor, other));
            }
        }

        var originalNames = original.Tensors.Select(t => t.Tensor.Name).ToHashSet(StringComparer.Ordinal);
        var partNames = pairs.Values.SelectMany(p => p.Parts).Select(t => t.Name).ToHashSet(StringComparer.Ordinal);
        foreach (var extra in approximation.Tensors.Where(t => !originalNames.Contains(t.Tensor.Name) && !partNames.Contains(t.Tensor.Name)))
        {
            warn($"{extra.File.Path}: tensor '{extra.Tensor.Name}' is not in {originalPath}; not compared.");
        }

        return new ComparisonResult(compared, identical);
    }

    private TensorComparison CompareQuantized(SafetensorsFile file, TensorInfo tensor, SafetensorsCheckpoint approximation, QuantizedTensor quantized)
    {
        if (!tensor.Shape.SequenceEqual(quantized.LogicalShape))
        {
            throw new ToolException(
                $"{file.Path}: tensor '{tensor.Name}' is {QuantizedTensor.Dims(tensor)}, but its quantized version holds {QuantizedTensor.Dims(quantized.LogicalShape)}.");
        }

        var reference = Widen(file, tensor);
        var weight = approximation[quantized.Weight.Name];
        var scale = approximation[quantized.Scale.Name];
        byte[] dense;
        try
        {
            dense = TensorCodec.Dequantize(quantized.Codes(weight.File.GetBytes(weight.Tensor), quantized.Shape.TotalRows), scale.File.GetBytes(scale.Tensor), quantized.Scale.DType, quantized.Shape, quantized.Config, quantized.Format, options);
        }
        catch (ArgumentException e)
        {
            throw new ToolException($"{weight.File.Path}: tensor '{weight.Tensor.Name}': {Messages.Clean(e)}", e);
        }

        return new TensorComparison(tensor.Name, [.. tensor.Shape], quantized.Storage, ErrorStatistics.Measure(reference, TensorCodec.ToSingle(dense, quantized.Scale.DType)));
    }

    private static TensorComparison CompareDense(SafetensorsFile file, TensorInfo tensor, CheckpointTensor other)
    {
        if (!other.Tensor.Shape.SequenceEqual(tensor.Shape) || !IsFloat(tensor.DType) || !IsFloat(other.Tensor.DType))
        {
            throw new ToolException(
                $"{other.File.Path}: tensor '{tensor.Name}' is {QuantizedTensor.Dims(other.Tensor)}, which differs from {QuantizedTensor.Dims(tensor)} in {file.Path} and cannot be compared with it.");
        }

        return new TensorComparison(tensor.Name, [.. tensor.Shape], other.Tensor.DType.HeaderName(), ErrorStatistics.Measure(Widen(file, tensor), Widen(other.File, other.Tensor)));
    }

    private static float[] Widen(SafetensorsFile file, TensorInfo tensor) => TensorCodec.ToSingle(file.GetBytes(tensor), tensor.DType);

    private static bool IsFloat(SafetensorsDType dtype) => dtype is SafetensorsDType.F32 or SafetensorsDType.F16 or SafetensorsDType.BF16;
}
