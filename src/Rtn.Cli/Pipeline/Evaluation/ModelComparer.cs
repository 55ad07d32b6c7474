using Rtn.Cli.Pipeline.Formats;
using Rtn.Cli.Pipeline.Jobs;
using Rtn.Safetensors;

namespace Rtn.Cli.Pipeline.Evaluation;

/// <summary>
/// Compares a checkpoint with an approximation of it, tensor by tensor: quantized weights are
/// dequantized (with the scheme in the file's metadata or the model's config, in any save format) and measured against the original;
/// other tensors must be identical or, if floating-point, are measured too. Works on any two
/// checkpoints with the same tensor names (e.g. an original and its dequantized copy). Tensors
/// of any size go through in slices of rows, so memory is bounded by the slice, and the numbers
/// do not depend on the slice size (<see cref="ErrorStatistics.Including"/>).
/// </summary>
/// <param name="options">The kernels' threads.</param>
/// <param name="sliceBytes">Most bytes of one side's values, widened to fp32, compared at a time.</param>
internal sealed class ModelComparer(KernelOptions options, long sliceBytes)
{
    /// <summary>Values of a 0-D or 1-D tensor summed as one unit; a tensor of more dimensions is summed row by row.</summary>
    private const int FlatUnit = 1 << 16;

    public ModelComparer(KernelOptions options)
        : this(options, RowSlices.MaxBytes)
    {
    }

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
                compared.Add(CompareQuantized(original.Tensors[i], approximation, quantized));
            }
            else if (!approximation.TryGetTensor(tensor.Name, out var other))
            {
                throw new ToolException($"{approximationPath} has no tensor '{tensor.Name}' (it is in {file.Path}).");
            }
            else if (other.Tensor.DType == tensor.DType && other.Tensor.Shape.SequenceEqual(tensor.Shape) && SameBytes(original.Tensors[i], other))
            {
                identical++;
            }
            else
            {
                compared.Add(CompareDense(original.Tensors[i], other));
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

    private TensorComparison CompareQuantized(CheckpointTensor original, SafetensorsCheckpoint approximation, QuantizedTensor quantized)
    {
        var (file, tensor) = original;
        if (!tensor.Shape.SequenceEqual(quantized.LogicalShape))
        {
            throw new ToolException(
                $"{file.Path}: tensor '{tensor.Name}' is {QuantizedTensor.Dims(tensor)}, but its quantized version holds {QuantizedTensor.Dims(quantized.LogicalShape)}.");
        }

        var weight = approximation[quantized.Weight.Name];
        var scale = approximation[quantized.Scale.Name];
        var columns = quantized.Shape.Columns;
        var rowBytes = tensor.ByteLength / quantized.Shape.TotalRows;
        var slices = RowSlices.Of(quantized.Shape.TotalRows, (long)columns * sizeof(float), sliceBytes).ToArray();
        var (reference, values) = Buffers(slices, columns);
        var denseRowBytes = QuantizedRows.DenseRowBytes(quantized);
        var dense = GC.AllocateUninitializedArray<byte>(checked((int)(slices.Max(s => s.Count) * denseRowBytes)));
        var error = default(ErrorStatistics);
        foreach (var (first, count) in slices)
        {
            try
            {
                QuantizedRows.Dequantize(quantized, weight, scale, first, count, options, dense);
            }
            catch (ArgumentException e)
            {
                throw new ToolException($"{weight.File.Path}: tensor '{weight.Tensor.Name}': {Messages.Clean(e)}", e);
            }

            var length = checked(count * columns);
            TensorCodec.ToSingle(file.GetBytes(tensor, first * rowBytes, checked((int)(count * rowBytes))), tensor.DType, reference);
            TensorCodec.ToSingle(dense.AsSpan(0, (int)(count * denseRowBytes)), quantized.Scale.DType, values);
            error = error.Including(reference, values, length, columns);
        }

        return new TensorComparison(tensor.Name, [.. tensor.Shape], quantized.Storage, error);
    }

    private TensorComparison CompareDense(CheckpointTensor original, CheckpointTensor other)
    {
        var (file, tensor) = original;
        if (!other.Tensor.Shape.SequenceEqual(tensor.Shape) || !IsFloat(tensor.DType) || !IsFloat(other.Tensor.DType))
        {
            throw new ToolException(
                $"{other.File.Path}: tensor '{tensor.Name}' is {QuantizedTensor.Dims(other.Tensor)}, which differs from {QuantizedTensor.Dims(tensor)} in {file.Path} and cannot be compared with it.");
        }

        // Rows, as for a quantized weight, so a dequantized copy measures exactly as its codes do.
        var unit = tensor.Shape.Length >= 2 ? checked((int)Math.Max(1, tensor.Shape[^1])) : FlatUnit;
        var (referenceBytes, otherBytes) = (tensor.DType.BitSize() / 8, other.Tensor.DType.BitSize() / 8);
        var slices = RowSlices.Of((tensor.ElementCount + unit - 1) / unit, (long)unit * sizeof(float), sliceBytes).ToArray();
        var (reference, values) = Buffers(slices, unit);
        var error = default(ErrorStatistics);
        foreach (var (first, count) in slices)
        {
            var start = first * unit;
            var length = (int)Math.Min(tensor.ElementCount - start, (long)count * unit);
            TensorCodec.ToSingle(file.GetBytes(tensor, start * referenceBytes, checked(length * referenceBytes)), tensor.DType, reference);
            TensorCodec.ToSingle(other.File.GetBytes(other.Tensor, start * otherBytes, checked(length * otherBytes)), other.Tensor.DType, values);
            error = error.Including(reference, values, length, unit);
        }

        return new TensorComparison(tensor.Name, [.. tensor.Shape], other.Tensor.DType.HeaderName(), error);
    }

    /// <summary>Both sides' values of the largest slice, widened to fp32: allocated once per tensor.</summary>
    private static (float[] Reference, float[] Approximation) Buffers((long First, int Count)[] slices, int unitLength)
    {
        var length = checked(slices.Select(s => s.Count).DefaultIfEmpty().Max() * unitLength);
        return (GC.AllocateUninitializedArray<float>(length), GC.AllocateUninitializedArray<float>(length));
    }

    /// <summary>Whether two tensors of the same size hold the same bytes, read a slice at a time.</summary>
    private bool SameBytes(CheckpointTensor a, CheckpointTensor b)
    {
        var slice = (int)Math.Clamp(sliceBytes, 1, int.MaxValue);
        for (var offset = 0L; offset < a.Tensor.ByteLength; offset += slice)
        {
            var length = (int)Math.Min(slice, a.Tensor.ByteLength - offset);
            if (!a.File.GetBytes(a.Tensor, offset, length).SequenceEqual(b.File.GetBytes(b.Tensor, offset, length)))
            {
                return false;
            }
        }

        return true;
    }

    private static bool IsFloat(SafetensorsDType dtype) => dtype is SafetensorsDType.F32 or SafetensorsDType.F16 or SafetensorsDType.BF16;
}
