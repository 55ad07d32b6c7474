using Rtn.Safetensors;

namespace Rtn.Cli.Pipeline.Formats;

/// <summary>
/// Dequantizes a stored quantized weight (any save format) a slice of rows at a time, so a
/// weight of any size is read back with memory bounded by the slice, not by the weight.
/// </summary>
internal static class QuantizedRows
{
    /// <summary>Dense bytes per row, in the scales' dtype.</summary>
    public static long DenseRowBytes(QuantizedTensor layout) => (long)layout.Shape.Columns * layout.Scale.DType.BitSize() / 8;

    /// <summary>
    /// Writes the dense bytes, in the scales' dtype, of rows <c>[first, first + count)</c> (counting
    /// over the experts) of <paramref name="layout"/> to the start of <paramref name="destination"/>,
    /// from its codes in <paramref name="weight"/> and its scales in <paramref name="scale"/>. At 4
    /// bits two rows share the <c>rtn</c> format's bytes, so there <paramref name="first"/> and
    /// <paramref name="count"/> are even.
    /// </summary>
    public static void Dequantize(QuantizedTensor layout, CheckpointTensor weight, CheckpointTensor scale, long first, int count, KernelOptions options, Span<byte> destination)
    {
        var shape = layout.Shape;
        var (packedRowBytes, scaleRowBytes) = (layout.Weight.ByteLength / shape.TotalRows, layout.Scale.ByteLength / shape.TotalRows);
        TensorCodec.Dequantize(
            layout.Codes(weight.File.GetBytes(weight.Tensor, first * packedRowBytes, checked((int)(count * packedRowBytes))), count),
            scale.File.GetBytes(scale.Tensor, first * scaleRowBytes, checked((int)(count * scaleRowBytes))),
            layout.Scale.DType,
            WeightShape.Matrix(count, shape.Columns),
            layout.Config,
            layout.Format,
            options,
            destination);
    }
}
