using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using Rtn.Kernels.Drivers;

namespace Rtn.Kernels.Simd;

/// <summary>
/// <c>W' = T(q · s)</c> over the groups of a row, the product in fp32, at one width chosen for
/// the whole row. The same loops fill the fp32 weight panels of the matrix product (with
/// <c>T = float</c> nothing is rounded).
/// </summary>
internal static class DequantizeLoops
{
    /// <summary>
    /// Writes the groups of one row, group <c>j</c> with scale <paramref name="scales"/>[j], from
    /// the codes starting at <paramref name="codes"/> (the row's first byte) to
    /// <paramref name="destination"/>. At 4 bits a group of odd size shares a byte with the next
    /// one, which only the scalar loop reads.
    /// </summary>
    public static void Row<TScheme, T>(VectorTier tier, ref byte codes, int groupSize, ReadOnlySpan<float> scales, ref T destination, RtnFormat format)
        where TScheme : struct, IRtnScheme
        where T : unmanaged
    {
        var loop = new RowLoop<TScheme, T>(ref codes, groupSize, scales, ref destination, format);
        Tiers.Run(tier, ref loop);
    }

    /// <summary>
    /// Writes <paramref name="count"/> values of one group from the codes starting at
    /// <paramref name="codes"/> (the byte of the first value, which sits at an even column for 4
    /// bits), at the widest tier allowed whose vectors fit in the run.
    /// </summary>
    public static void Run<TScheme, T>(VectorTier tier, ref byte codes, int count, float scale, ref T destination, RtnFormat format)
        where TScheme : struct, IRtnScheme
        where T : unmanaged
    {
        var loop = new Loop<TScheme, T>(ref codes, count, scale, ref destination, format);
        Tiers.Run(tier, ref loop);
    }

    /// <summary>
    /// The vector loop over one run at <typeparamref name="TWidth"/>, which the caller has checked
    /// to fit (<paramref name="count"/> at least two vectors); <paramref name="nibbles"/> is the
    /// width's <see cref="ISimdWidth{TVector}.NibbleValues"/> for the format, made by the caller so
    /// that it stays in a register.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void RunVectors<TScheme, T, TWidth, TVector>(ref byte codes, int count, float scale, ref T destination, RtnFormat format, TVector nibbles)
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

    private readonly ref struct RowLoop<TScheme, T>(ref byte codes, int groupSize, ReadOnlySpan<float> scales, ref T destination, RtnFormat format) : IWidthLoop
        where TScheme : struct, IRtnScheme
        where T : unmanaged
    {
        private readonly ref byte codes = ref codes;
        private readonly ReadOnlySpan<float> scales = scales;
        private readonly ref T destination = ref destination;

        bool IWidthFit.Fits(int lanes) => groupSize >= 2 * lanes && !(SchemeConstants<TScheme>.IsInt4 && (groupSize & 1) != 0);

        [MethodImpl(MethodImplOptions.NoInlining)]
        void IWidthLoop.Run<TWidth, TVector>()
        {
            var nibbles = TWidth.NibbleValues(format);
            var g = groupSize;
            var s = scales;
            for (var j = 0; j < s.Length; j++)
            {
                ref var groupCodes = ref Unsafe.Add(ref codes, SchemeConstants<TScheme>.IsInt4 ? j * g / 2 : j * g);
                RunVectors<TScheme, T, TWidth, TVector>(ref groupCodes, g, s[j], ref Unsafe.Add(ref destination, j * g), format, nibbles);
            }
        }

        void IWidthLoop.RunScalar()
        {
            var offsetMask = SchemeConstants<TScheme>.OffsetMask(format);
            for (var j = 0; j < scales.Length; j++)
            {
                RunScalar<TScheme, T>(ref codes, j * groupSize, groupSize, scales[j], ref Unsafe.Add(ref destination, j * groupSize), offsetMask);
            }
        }
    }
}
