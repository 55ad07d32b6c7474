using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Rtn.Kernels;

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
        if (tier >= VectorTier.Vector512 && count >= 2 * Lanes512.Count)
        {
            Run512<TScheme, T>(ref codes, count, scale, ref destination, format);
        }
        else if (tier >= VectorTier.Vector256 && count >= 2 * Lanes256.Count)
        {
            Run256<TScheme, T>(ref codes, count, scale, ref destination, format);
        }
        else if (tier >= VectorTier.Vector128 && count >= 2 * Lanes128.Count)
        {
            Run128<TScheme, T>(ref codes, count, scale, ref destination, format);
        }
        else
        {
            RunScalar<TScheme, T>(ref codes, 0, count, scale, ref destination, SchemeConstants<TScheme>.OffsetMask(format));
        }
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

    private static void Run512<TScheme, T>(ref byte codes, int count, float scale, ref T destination, RtnFormat format)
        where TScheme : struct, IRtnScheme
        where T : unmanaged
    {
        const int Chunk = 2 * Lanes512.Count;
        var s = Vector512.Create(scale);
        var nibbles = Lanes512.NibbleValues(format);
        var offset = Vector128.Create(SchemeConstants<TScheme>.OffsetMask(format));
        var last = count - Chunk;
        for (var i = 0; ; i += Chunk)
        {
            i = Math.Min(i, last);
            var (lower, upper) = SchemeConstants<TScheme>.IsInt4
                ? Lanes512.DecodeInt4(ref Unsafe.Add(ref codes, i / 2), nibbles)
                : (Lanes512.DecodeInt8(ref Unsafe.Add(ref codes, i), offset), Lanes512.DecodeInt8(ref Unsafe.Add(ref codes, i + Lanes512.Count), offset));
            Lanes512.Store(lower * s, upper * s, ref Unsafe.Add(ref destination, i));
            if (i == last)
            {
                return;
            }
        }
    }

    private static void Run256<TScheme, T>(ref byte codes, int count, float scale, ref T destination, RtnFormat format)
        where TScheme : struct, IRtnScheme
        where T : unmanaged
    {
        const int Chunk = 2 * Lanes256.Count;
        var s = Vector256.Create(scale);
        var offset = Vector128.Create(SchemeConstants<TScheme>.OffsetMask(format));
        var last = count - Chunk;
        for (var i = 0; ; i += Chunk)
        {
            i = Math.Min(i, last);
            var (lower, upper) = SchemeConstants<TScheme>.IsInt4
                ? Lanes256.DecodeInt4(ref Unsafe.Add(ref codes, i / 2), offset)
                : (Lanes256.DecodeInt8(ref Unsafe.Add(ref codes, i), offset), Lanes256.DecodeInt8(ref Unsafe.Add(ref codes, i + Lanes256.Count), offset));
            Lanes256.Store(lower * s, upper * s, ref Unsafe.Add(ref destination, i));
            if (i == last)
            {
                return;
            }
        }
    }

    private static void Run128<TScheme, T>(ref byte codes, int count, float scale, ref T destination, RtnFormat format)
        where TScheme : struct, IRtnScheme
        where T : unmanaged
    {
        const int Chunk = 2 * Lanes128.Count;
        var s = Vector128.Create(scale);
        var offset = Vector128.Create(SchemeConstants<TScheme>.OffsetMask(format));
        var last = count - Chunk;
        for (var i = 0; ; i += Chunk)
        {
            i = Math.Min(i, last);
            var (lower, upper) = SchemeConstants<TScheme>.IsInt4
                ? Lanes128.DecodeInt4(ref Unsafe.Add(ref codes, i / 2), offset)
                : (Lanes128.DecodeInt8(ref Unsafe.Add(ref codes, i), offset), Lanes128.DecodeInt8(ref Unsafe.Add(ref codes, i + Lanes128.Count), offset));
            Lanes128.Store(lower * s, upper * s, ref Unsafe.Add(ref destination, i));
            if (i == last)
            {
                return;
            }
        }
    }
}
