namespace Rtn;

/// <summary>
/// The kernels for one combination named by types, e.g. <c>RtnKernels&lt;Bits4, G128&gt;</c>.
/// Using this type in code is enough for the generator to emit the specialized kernels
/// (and the group-size marker, if the program needs a new one).
/// </summary>
/// <typeparam name="TBits"><see cref="Bits4"/> or <see cref="Bits8"/>.</typeparam>
/// <typeparam name="TGroup">A group-size marker such as <c>G128</c> or <c>GRow</c>.</typeparam>
public static class RtnKernels<TBits, TGroup>
    where TBits : struct, IRtnBits
    where TGroup : struct, IRtnGroupSize
{
    private static readonly IRtnKernels Kernels = RtnKernels.For(TBits.Value, TGroup.Value);

    /// <summary>This combination's configuration.</summary>
    public static RtnConfig Config { get; } = new(TBits.Value, TGroup.Value);

    /// <summary>The kernels behind this type.</summary>
    public static IRtnKernels Implementation => Kernels;

    /// <inheritdoc cref="IRtnKernels.Quantize"/>
    public static void Quantize<T>(ReadOnlySpan<T> weights, int rows, int columns, Span<byte> packed, Span<T> scales, RtnFormat format = RtnFormat.Signed, KernelOptions options = default)
        where T : unmanaged =>
        Kernels.Quantize(weights, rows, columns, packed, scales, format, options);

    /// <inheritdoc cref="IRtnKernels.Dequantize"/>
    public static void Dequantize<T>(ReadOnlySpan<byte> packed, ReadOnlySpan<T> scales, int rows, int columns, Span<T> weights, RtnFormat format = RtnFormat.Signed, KernelOptions options = default)
        where T : unmanaged =>
        Kernels.Dequantize(packed, scales, rows, columns, weights, format, options);

    /// <summary><c>y = x · W'ᵀ</c> for <paramref name="x"/> of shape <c>[m, columns]</c>; see <see cref="IRtnKernels.MatMul"/>.</summary>
    public static void MatMul<T>(ReadOnlySpan<T> x, int m, ReadOnlySpan<byte> packed, ReadOnlySpan<T> scales, int rows, int columns, Span<T> y, RtnFormat format = RtnFormat.Signed, KernelOptions options = default)
        where T : unmanaged =>
        Kernels.MatMul(x, m, packed, scales, rows, columns, ReadOnlySpan<T>.Empty, y, format, options);

    /// <summary><c>y = x · W'ᵀ + bias</c>; see <see cref="IRtnKernels.MatMul"/>.</summary>
    public static void MatMul<T>(ReadOnlySpan<T> x, int m, ReadOnlySpan<byte> packed, ReadOnlySpan<T> scales, int rows, int columns, ReadOnlySpan<T> bias, Span<T> y, RtnFormat format = RtnFormat.Signed, KernelOptions options = default)
        where T : unmanaged =>
        Kernels.MatMul(x, m, packed, scales, rows, columns, bias, y, format, options);
}
