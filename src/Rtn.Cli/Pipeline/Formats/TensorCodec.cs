using System.Runtime.CompilerServices;
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
    /// Packed codes and the scales' bytes (in <paramref name="dtype"/>) for <paramref name="rows"/> rows of
    /// <paramref name="shape"/> from row <paramref name="firstRow"/> on (counting over the experts);
    /// refused when a scale or a dequantized value would not be finite (docs/rtn-spec.md, Edge cases).
    /// </summary>
    public static (byte[] Packed, byte[] Scales) Quantize(
        ReadOnlySpan<byte> data, SafetensorsDType dtype, WeightShape shape, long firstRow, int rows, RtnConfig config, RtnFormat format, KernelOptions options) =>
        dtype switch
        {
            SafetensorsDType.F32 => Quantize<float>(data, shape, firstRow, rows, config, format, options),
            SafetensorsDType.F16 => Quantize<Half>(data, shape, firstRow, rows, config, format, options),
            SafetensorsDType.BF16 => Quantize<BFloat16>(data, shape, firstRow, rows, config, format, options),
            _ => throw new ArgumentException($"RTN quantizes F32, F16 and BF16 weights, not {dtype.HeaderName()}.", nameof(dtype)),
        };

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

    /// <summary>Widens a floating-point tensor's values to <see cref="float"/> (exact for all three types).</summary>
    public static float[] ToSingle(ReadOnlySpan<byte> data, SafetensorsDType dtype)
    {
        var values = GC.AllocateUninitializedArray<float>(data.Length / Math.Max(1, dtype.BitSize() / 8));
        ToSingle(data, dtype, values);
        return values;
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

    private static (byte[] Packed, byte[] Scales) Quantize<T>(
        ReadOnlySpan<byte> data, WeightShape shape, long firstRow, int rows, RtnConfig config, RtnFormat format, KernelOptions options)
        where T : unmanaged
    {
        var slice = WeightShape.Matrix(rows, shape.Columns);
        var packed = GC.AllocateUninitializedArray<byte>(checked((int)QuantizedWeight.PackedLength(config.Bits, slice)));
        var scales = ElementBuffer<T>(checked((int)QuantizedWeight.ScaleCount(config, slice)));
        var weights = MemoryMarshal.Cast<byte, T>(data);
        RtnKernels.For(config).Quantize(weights, rows, shape.Columns, packed, MemoryMarshal.Cast<byte, T>(scales.AsSpan()), format, options);
        FiniteResults.Ensure(weights, shape, firstRow, rows, packed, MemoryMarshal.Cast<byte, T>(scales.AsSpan()), config, format);
        return (packed, scales);
    }

    private static void Dequantize<T>(ReadOnlySpan<byte> packed, ReadOnlySpan<byte> scales, WeightShape shape, RtnConfig config, RtnFormat format, KernelOptions options, Span<byte> destination)
        where T : unmanaged =>
        RtnKernels.For(config).Dequantize(packed, MemoryMarshal.Cast<byte, T>(scales), shape.TotalRows, shape.Columns, MemoryMarshal.Cast<byte, T>(destination)[..shape.ElementCount], format, options);

    // Values are computed in place in the byte array the writer takes, so no typed copy is
    // ever made; array data is 8-byte aligned, enough for every T here.
    private static byte[] ElementBuffer<T>(int count)
        where T : unmanaged =>
        GC.AllocateUninitializedArray<byte>(checked(count * Unsafe.SizeOf<T>()));
}
