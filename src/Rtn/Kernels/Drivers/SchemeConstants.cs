using System.Runtime.CompilerServices;

namespace Rtn.Kernels.Drivers;

/// <summary>
/// What a scheme's bit width and group size fix. Every member folds to a constant when the JIT
/// specializes a driver for a generated scheme.
/// </summary>
/// <typeparam name="TScheme">A generated scheme, or a runtime one for combinations nothing generated.</typeparam>
internal static class SchemeConstants<TScheme>
    where TScheme : struct, IRtnScheme
{
    /// <summary>Whether two codes share a byte.</summary>
    public static bool IsInt4
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => TScheme.Bits == 4;
    }

    /// <summary>Smallest code, <c>-Q/2</c>.</summary>
    public static float MinCode
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => -(1 << (TScheme.Bits - 1));
    }

    /// <summary>Largest code, <c>Q/2 - 1</c>.</summary>
    public static float MaxCode
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => (1 << (TScheme.Bits - 1)) - 1;
    }

    /// <summary>fp32(1/(Q-1)): the scale is <c>fp32(2m) · fp32(1/(Q-1))</c>, as vLLM computes it on the GPU.</summary>
    public static float Reciprocal
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => 1f / ((1 << TScheme.Bits) - 1);
    }

    /// <summary>Bytes to XOR with the signed layout to get <paramref name="format"/>: 0x88, 0x80 or 0.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static byte OffsetMask(RtnFormat format) =>
        format == RtnFormat.Offset ? (byte)(TScheme.Bits == 4 ? 0x88 : 0x80) : (byte)0;

    /// <summary>
    /// The group size a call runs with: the scheme's own when it fixes a column count (a constant
    /// the JIT folds), else <paramref name="callGroupSize"/>, the call's validated group size,
    /// which for a per-row scheme is the row length.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int GroupSizeOf(int callGroupSize) => TScheme.GroupSize > 0 ? TScheme.GroupSize : callGroupSize;
}
