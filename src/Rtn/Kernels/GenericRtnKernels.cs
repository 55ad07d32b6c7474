using Rtn.Kernels.Drivers;

namespace Rtn.Kernels;

/// <summary>
/// Kernels for a combination nothing generated: the same drivers as the generated ones, run
/// with <see cref="RuntimeQ4"/> or <see cref="RuntimeQ8"/>, so the group size stays a variable;
/// the results are identical.
/// </summary>
internal sealed class GenericRtnKernels(RtnConfig config) : IRtnKernels
{
    public int Bits => config.Bits;

    public int GroupSize => config.GroupSize;

    public bool IsSpecialized => false;

    public void Quantize<T>(ReadOnlySpan<T> weights, int rows, int columns, Span<byte> packed, Span<T> scales, RtnFormat format, KernelOptions options)
        where T : unmanaged
    {
        if (Bits == 4)
        {
            Quantizer<RuntimeQ4>.Quantize(config, weights, rows, columns, packed, scales, format, options);
        }
        else
        {
            Quantizer<RuntimeQ8>.Quantize(config, weights, rows, columns, packed, scales, format, options);
        }
    }

    public void Dequantize<T>(ReadOnlySpan<byte> packed, ReadOnlySpan<T> scales, int rows, int columns, Span<T> weights, RtnFormat format, KernelOptions options)
        where T : unmanaged
    {
        if (Bits == 4)
        {
            Dequantizer<RuntimeQ4>.Dequantize(config, packed, scales, rows, columns, weights, format, options);
        }
        else
        {
            Dequantizer<RuntimeQ8>.Dequantize(config, packed, scales, rows, columns, weights, format, options);
        }
    }

    public void MatMul<T>(ReadOnlySpan<T> x, int m, ReadOnlySpan<byte> packed, ReadOnlySpan<T> scales, int rows, int columns, ReadOnlySpan<T> bias, Span<T> y, RtnFormat format, KernelOptions options)
        where T : unmanaged
    {
        if (Bits == 4)
        {
            MatMulDriver<RuntimeQ4>.MatMul(config, x, m, packed, scales, rows, columns, bias, y, format, options);
        }
        else
        {
            MatMulDriver<RuntimeQ8>.MatMul(config, x, m, packed, scales, rows, columns, bias, y, format, options);
        }
    }
}
