namespace Rtn;

/// <summary>
/// Quantize, dequantize and the fused quantized product for one (bits, group size)
/// combination. A stack <c>[E, R, C]</c> is passed as <c>E·R</c> rows. Every implementation
/// gives the reference's bytes for quantize and dequantize, and its product within the
/// tolerance of docs/rtn-spec.md, "Linear".
/// </summary>
public interface IRtnKernels
{
    /// <summary>Bits per code.</summary>
    int Bits { get; }

    /// <summary>Columns per scale as configured; -1 is one group per row.</summary>
    int GroupSize { get; }

    /// <summary>Whether this combination's hot loops were generated for it, rather than generic.</summary>
    bool IsSpecialized { get; }

    /// <summary>
    /// Quantizes <paramref name="weights"/> (<paramref name="rows"/> × <paramref name="columns"/>,
    /// row-major) into <paramref name="packed"/> codes and <paramref name="scales"/> (<c>[rows, columns/g]</c>).
    /// </summary>
    void Quantize<T>(ReadOnlySpan<T> weights, int rows, int columns, Span<byte> packed, Span<T> scales, RtnFormat format, KernelOptions options)
        where T : unmanaged;

    /// <summary>Rebuilds <c>W' = q·s</c> into <paramref name="weights"/>.</summary>
    void Dequantize<T>(ReadOnlySpan<byte> packed, ReadOnlySpan<T> scales, int rows, int columns, Span<T> weights, RtnFormat format, KernelOptions options)
        where T : unmanaged;

    /// <summary>
    /// <c>y = x · W'ᵀ + bias</c> for <paramref name="x"/> of shape <c>[m, columns]</c> into
    /// <paramref name="y"/> of shape <c>[m, rows]</c>, without building <c>W'</c>. An empty
    /// <paramref name="bias"/> means none.
    /// </summary>
    void MatMul<T>(ReadOnlySpan<T> x, int m, ReadOnlySpan<byte> packed, ReadOnlySpan<T> scales, int rows, int columns, ReadOnlySpan<T> bias, Span<T> y, RtnFormat format, KernelOptions options)
        where T : unmanaged;
}
