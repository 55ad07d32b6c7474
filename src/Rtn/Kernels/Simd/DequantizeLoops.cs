using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using Rtn.Kernels.Drivers;

namespace Rtn.Kernels.Simd;

/// <summary>
/// <c>W' = T(q · s)</c> over a run of one group, the product in fp32. The same loops fill the
/// fp32 weight panels of the matrix product (with <c>T = float</c> nothing is rounded).
/// </summary>
internal static class DequantizeLoops
{
    /// <summary>
    /// Writes <paramref name="count"/> values from the codes starting at <paramref name="codes"/>
    /// (the byte of the first value, which sits at an even column for 4 bits).
    /// </summary>
    public static void Run<TScheme, T>(VectorTier tier, ref byte codes, int count, float scale, ref T destination, RtnFormat format)
        where TScheme : struct, IRtnScheme
        where T : unmanaged
    {
        var loop = new Loop<TScheme, T>(ref codes, count, scale, ref destination, format);
        Tiers.Run(tier, ref loop);
    }

    /// <summary>
    /// One value at a time; <paramref name="first"/> is the column of the first value relative to
    /// <paramref name="codes"/>, so a run may start in the middle of a byte.
    /// </summary>
    public static void RunScalar<TScheme, T>(ref byte codes, int first, int count, float scale, ref T destination, byte offsetMask)
        where TScheme : struct, IRtnScheme
        where T : unmanaged
    {
        for (var i = 0; i < count; i++)
        {
            Unsafe.Add(ref destination, i) = Precision<T>.FromSingle(Code<TScheme>(ref codes, first + i, offsetMask) * scale);
        }
    }

    /// <summary>The code of the value at <paramref name="index"/> (a column counted from <paramref name="codes"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int Code<TScheme>(ref byte codes, int index, byte offsetMask)
        where TScheme : struct, IRtnScheme
    {
        if (SchemeConstants<TScheme>.IsInt4)
        {
            var nibble = ((Unsafe.Add(ref codes, index >> 1) ^ offsetMask) >> ((index & 1) * 4)) & 0xF;
            return (nibble ^ 8) - 8;
        }

        return (sbyte)(Unsafe.Add(ref codes, index) ^ offsetMask);
    }

    /// <summary>
    /// The vector loop; <paramref name="nibbles"/> is the width's <see cref="ISimdWidth{TVector}.NibbleValues"/>
    /// for the format, made by the caller so that it stays in a register here.
    /// </summary>
    private static void RunVectors<TScheme, T, TWidth, TVector>(ref byte codes, int count, float scale, ref T destination, RtnFormat format, TVector nibbles)
        where TScheme : struct, IRtnScheme
        where T : unmanaged
        where TWidth : struct, ISimdWidth<TVector>
        where TVector : struct
    {
        var chunk = 2 * TWidth.Count;
        var s = TWidth.Broadcast(scale);
        var offset = Vector128.Create(SchemeConstants<TScheme>.OffsetMask(format));
        var last = count - chunk;
        for (var i = 0; ; i += chunk)
        {
            i = Math.Min(i, last);
            var (lower, upper) = SchemeConstants<TScheme>.IsInt4
                ? TWidth.DecodeInt4(ref Unsafe.Add(ref codes, i / 2), nibbles, offset)
                : (TWidth.DecodeInt8(ref Unsafe.Add(ref codes, i), offset), TWidth.DecodeInt8(ref Unsafe.Add(ref codes, i + TWidth.Count), offset));
            Lanes<TWidth, TVector>.Store(TWidth.Multiply(lower, s), TWidth.Multiply(upper, s), ref Unsafe.Add(ref destination, i));
            if (i == last)
            {
                return;
            }
        }
    }

    private readonly ref struct Loop<TScheme, T>(ref byte codes, int count, float scale, ref T destination, RtnFormat format) : IWidthLoop
        where TScheme : struct, IRtnScheme
        where T : unmanaged
    {
        private readonly ref byte codes = ref codes;
        private readonly ref T destination = ref destination;

        bool IWidthFit.Fits(int lanes) => count >= 2 * lanes;

        void IWidthLoop.Run<TWidth, TVector>() =>
            RunVectors<TScheme, T, TWidth, TVector>(ref codes, count, scale, ref destination, format, TWidth.NibbleValues(format));

        void IWidthLoop.RunScalar() =>
            RunScalar<TScheme, T>(ref codes, 0, count, scale, ref destination, SchemeConstants<TScheme>.OffsetMask(format));
    }
}
