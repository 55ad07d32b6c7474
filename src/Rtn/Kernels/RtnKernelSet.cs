using System.ComponentModel;
using Rtn.Kernels.Drivers;

namespace Rtn.Kernels;

/// <summary>The kernels of one generated scheme, as registered with <see cref="RtnKernels"/>.</summary>
/// <typeparam name="TScheme">A generated scheme such as <c>Q4G128</c>.</typeparam>
[EditorBrowsable(EditorBrowsableState.Never)]
public sealed class RtnKernelSet<TScheme> : IRtnKernels
    where TScheme : struct, IRtnScheme
{
    // Made once: a kernel call allocates nothing.
    private static readonly RtnConfig Config = new(TScheme.Bits, TScheme.GroupSize);

    /// <inheritdoc/>
    public int Bits => TScheme.Bits;

    /// <inheritdoc/>
    public int GroupSize => TScheme.GroupSize;

    /// <inheritdoc/>
    public bool IsSpecialized => true;

    /// <inheritdoc/>
    public void Quantize<T>(ReadOnlySpan<T> weights, int rows, int columns, Span<byte> packed, Span<T> scales, RtnFormat format, KernelOptions options)
        where T : unmanaged =>
        Quantizer<TScheme>.Quantize(Config, weights, rows, columns, packed, scales, format, options);

    /// <inheritdoc/>
    public void Dequantize<T>(ReadOnlySpan<byte> packed, ReadOnlySpan<T> scales, int rows, int columns, Span<T> weights, RtnFormat format, KernelOptions options)
        where T : unmanaged =>
        Dequantizer<TScheme>.Dequantize(Config, packed, scales, rows, columns, weights, format, options);

    /// <inheritdoc/>
    public void MatMul<T>(ReadOnlySpan<T> x, int m, ReadOnlySpan<byte> packed, ReadOnlySpan<T> scales, int rows, int columns, ReadOnlySpan<T> bias, Span<T> y, RtnFormat format, KernelOptions options)
        where T : unmanaged =>
        MatMulDriver<TScheme>.MatMul(Config, x, m, packed, scales, rows, columns, bias, y, format, options);
}
