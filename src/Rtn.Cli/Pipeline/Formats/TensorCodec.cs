using System.Runtime.InteropServices;
using Rtn.Safetensors;

namespace Rtn.Cli.Pipeline.Formats;

/// <summary>
/// Quantizes and dequantizes tensors given as raw little-endian bytes of a safetensors dtype,
/// with the kernels for each tensor's configuration (<see cref="RtnKernels.For(RtnConfig)"/>).
/// A stack <c>[E, R, C]</c> goes to the kernels as <c>E·R</c> rows: groups never cross a row,
/// so each expert's matrix is quantized exactly as on its own. Shapes are not checked here:
/// planning (or reading a quantized pair) has already checked each one against its configuration.
/// </summary>
internal static class TensorCodec
{
    /// <summary>
    /// Quantizes <paramref name="rows"/> rows of <paramref name="shape"/> from row <paramref name="firstRow"/> on
    /// (counting over the experts) into <paramref name="packed"/> (<see cref="PackedBytes"/>) and the
    /// scales' bytes in <paramref name="dtype"/> (<see cref="ScaleBytes"/>); refused when a scale or a
    /// dequantized value would not be finite (docs/rtn-spec.md, Edge cases).
    /// </summary>
    public static void Quantize(
        ReadOnlySpan<byte> data, SafetensorsDType dtype, WeightShape shape, long firstRow, int rows, RtnConfig config, RtnFormat format, KernelOptions options, Span<byte> packed, Span<byte> scales)
    {
        switch (dtype)
        {
            case SafetensorsDType.F32:
                Quantize<float>(data, shape, firstRow, rows, config, format, options, packed, scales);
                break;
            case SafetensorsDType.F16:
                Quantize<Half>(data, shape, firstRow, rows, config, format, options, packed, scales);
                break;
            case SafetensorsDType.BF16:
                Quantize<BFloat16>(data, shape, firstRow, rows, config, format, options, packed, scales);
                break;
            default:
                throw new ArgumentException($"RTN quantizes F32, F16 and BF16 weights, not {dtype.HeaderName()}.", nameof(dtype));
        }
    }

    /// <summary>Bytes of packed codes for <paramref name="rows"/> rows of <paramref name="columns"/> weights.</summary>
    public static int PackedBytes(RtnConfig config, int rows, int columns) => checked((int)QuantizedWeight.PackedLength(config.Bits, WeightShape.Matrix(rows, columns)));

    /// <summary>Bytes of scales, in <paramref name="dtype"/>, for <paramref name="rows"/> rows of <paramref name="columns"/> weights.</summary>
    public static int ScaleBytes(SafetensorsDType dtype, RtnConfig config, int rows, int columns) =>
        checked((int)(QuantizedWeight.ScaleCount(config, WeightShape.Matrix(rows, columns)) * dtype.BitSize() / 8));

    /// <summary>Writes the dense weight's bytes, in the scales' dtype, to the start of <paramref name="destination"/>.</summary>
    public static void Dequantize(
        ReadOnlySpan<byte> packed, ReadOnlySpan<byte> scales, SafetensorsDType dtype, WeightShape shape, RtnConfig config, RtnFormat format, KernelOptions options, Span<byte> destination)
    {
        switch (dtype)
        {
            case SafetensorsDType.F32:
                Dequantize<float>(packed, scales, shape, config, format, options, destination);
                break;
            case SafetensorsDType.F16:
                Dequantize<Half>(packed, scales, shape, config, format, options, destination);
                break;
            case SafetensorsDType.BF16:
                Dequantize<BFloat16>(packed, scales, shape, config, format, options, destination);
                break;
            default:
                throw new ArgumentException($"RTN scales are F32, F16 or BF16, not {dtype.HeaderName()}.", nameof(dtype));
        }
    }

    /// <summary>Widens a floating-point tensor's values into the start of <paramref name="destination"/> (exact for all three types).</summary>
    public static void ToSingle(ReadOnlySpan<byte> data, SafetensorsDType dtype, Span<float> destination)
    {
        switch (dtype)
        {
            case SafetensorsDType.F32:
                data.CopyTo(MemoryMarshal.AsBytes(destination));
                break;
            case SafetensorsDType.F16:
                var halves = MemoryMarshal.Cast<byte, Half>(data);
                for (var i = 0; i < halves.Length; i++)
                {
                    destination[i] = (float)halves[i];
                }

                break;
            case SafetensorsDType.BF16:
                BFloat16.ConvertToSingle(MemoryMarshal.Cast<byte, BFloat16>(data), destination);
                break;
            default:
                throw new ArgumentException($"Only F32, F16 and BF16 tensors widen to float, not {dtype.HeaderName()}.", nameof(dtype));
        }
    }

    private static void Quantize<T>(
        ReadOnlySpan<byte> data, WeightShape shape, long firstRow, int rows, RtnConfig config, RtnFormat format, KernelOptions options, Span<byte> packed, Span<byte> scaleBytes)
        where T : unmanaged
    {
        var weights = MemoryMarshal.Cast<byte, T>(data);
        var scales = MemoryMarshal.Cast<byte, T>(scaleBytes);
        RtnKernels.For(config).Quantize(weights, rows, shape.Columns, packed, scales, format, options);
        FiniteResults.Ensure(weights, shape, firstRow, rows, packed, scales, config, format);
    }

    private static void Dequantize<T>(ReadOnlySpan<byte> packed, ReadOnlySpan<byte> scales, WeightShape shape, RtnConfig config, RtnFormat format, KernelOptions options, Span<byte> destination)
        where T : unmanaged =>
        RtnKernels.For(config).Dequantize(packed, MemoryMarshal.Cast<byte, T>(scales), shape.TotalRows, shape.Columns, MemoryMarshal.Cast<byte, T>(destination)[..shape.ElementCount], format, options);
}
