namespace Rtn.Kernels;

/// <summary>Kernels for a combination nothing generated: the same results, with the constants read at run time.</summary>
internal sealed class GenericRtnKernels(int bits, int groupSize) : IRtnKernels
{
    public int Bits { get; } = bits;

    public int GroupSize { get; } = groupSize;

    public bool IsSpecialized => false;

    public void Quantize<T>(ReadOnlySpan<T> weights, int rows, int columns, Span<byte> packed, Span<T> scales, RtnFormat format, KernelOptions options)
        where T : unmanaged =>
        ScalarKernels.Quantize(Bits, GroupSize, weights, rows, columns, packed, scales, format);

    public void Dequantize<T>(ReadOnlySpan<byte> packed, ReadOnlySpan<T> scales, int rows, int columns, Span<T> weights, RtnFormat format, KernelOptions options)
        where T : unmanaged =>
        ScalarKernels.Dequantize(Bits, GroupSize, packed, scales, rows, columns, weights, format);

    public void MatMul<T>(ReadOnlySpan<T> x, int m, ReadOnlySpan<byte> packed, ReadOnlySpan<T> scales, int rows, int columns, ReadOnlySpan<T> bias, Span<T> y, RtnFormat format, KernelOptions options)
        where T : unmanaged =>
        ScalarKernels.MatMul(Bits, GroupSize, x, m, packed, scales, rows, columns, bias, y, format);
}
