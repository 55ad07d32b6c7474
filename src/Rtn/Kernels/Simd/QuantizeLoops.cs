using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Rtn.Kernels.Drivers;

namespace Rtn.Kernels.Simd;

/// <summary>
/// The two passes over one row, group by group: each group's largest magnitude, then its codes.
/// A call picks its width once for the row, the widest allowed whose vectors fit in a group, and
/// a group's tail is covered by one last vector that overlaps the previous one (same group, same
/// codes). Choosing per row rather than per group keeps the dispatch out of the loop over groups,
/// whose bodies are short (a group of 128 is two steps of the codes loop at 512 bits).
/// </summary>
internal static class QuantizeLoops
{
    /// <summary>
    /// The fp32 bits of <c>max |x|</c> of each group of <paramref name="groupSize"/> values in
    /// <paramref name="row"/>, into <paramref name="maxima"/>; 0x7F800000 or more where a group
    /// holds a NaN or an infinity. The maximum is taken on magnitude bits, which order like the
    /// values themselves; 16-bit types need no widening for it.
    /// </summary>
    public static void MaxMagnitudeBits<T>(VectorTier tier, ReadOnlySpan<T> row, int groupSize, Span<uint> maxima)
        where T : unmanaged
    {
        var loop = new MaxMagnitudeLoop<T>(row, groupSize, maxima);
        Tiers.Run(tier, ref loop);
    }

    /// <summary>
    /// Writes the codes of <paramref name="row"/>, group <c>j</c> with scale
    /// <paramref name="scales"/>[j] (positive, +∞, or 0), to <paramref name="codes"/>;
    /// <paramref name="offsetMask"/> turns signed bytes into the stored layout. At 4 bits a group
    /// of odd size shares a byte with the next one, which only the scalar loop writes.
    /// </summary>
    public static void Codes<TScheme, T>(VectorTier tier, ReadOnlySpan<T> row, int groupSize, ReadOnlySpan<float> scales, Span<byte> codes, byte offsetMask)
        where TScheme : struct, IRtnScheme
        where T : unmanaged
    {
        var loop = new CodesLoop<TScheme, T>(row, groupSize, scales, codes, offsetMask);
        Tiers.Run(tier, ref loop);
    }

    /// <summary>
    /// The code of one value: a true fp32 division (no reciprocal), clamped, rounded to
    /// <typeparamref name="T"/>, then to an integer, ties to even. Clamping before the rounding to
    /// <typeparamref name="T"/> gives the same result as after it: rounding is monotonic and both
    /// bounds are representable in every <typeparamref name="T"/>. The vector tiers clamp after both
    /// roundings, which gives the same codes for the same reason. A scale of 0 (an all-zero group,
    /// or a scale that underflowed) makes <c>x / 0</c> ±∞, clamped to the end of the range, or NaN
    /// for <c>x = ±0</c>, which the zero-group rule (docs/rtn-spec.md, "Edge cases") makes 0.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int Code<TScheme, T>(float x, float scale)
        where TScheme : struct, IRtnScheme
        where T : unmanaged
    {
        if (scale == 0)
        {
            return x > 0 ? (int)SchemeConstants<TScheme>.MaxCode : x < 0 ? (int)SchemeConstants<TScheme>.MinCode : 0;
        }

        var y = Math.Clamp(x / scale, SchemeConstants<TScheme>.MinCode, SchemeConstants<TScheme>.MaxCode);
        return (int)MathF.Round(Precision<T>.Round(y), MidpointRounding.ToEven);
    }

    /// <summary>The fp32 bits of a largest magnitude found on <typeparamref name="T"/>'s own bits (16-bit ones in the upper half).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static uint SingleBits<T>(uint largest)
        where T : unmanaged
    {
        if (typeof(T) == typeof(float) || typeof(T) == typeof(BFloat16))
        {
            return largest;
        }

        largest >>= 16;
        return largest >= 0x7C00 ? 0x7F80_0000u : BitConverter.SingleToUInt32Bits((float)BitConverter.UInt16BitsToHalf((ushort)largest));
    }

    /// <summary>
    /// The largest magnitude bits over 32-bit or 16-bit lanes; for 16-bit types the result sits in
    /// the upper half, as bfloat16 bits widen to fp32.
    /// </summary>
    private static uint LargestVectors<T, TWidth, TVector>(ref T x, int count)
        where T : unmanaged
        where TWidth : struct, ISimdWidth<TVector>
        where TVector : struct
    {
        if (typeof(T) == typeof(float))
        {
            ref var bits = ref Unsafe.As<T, float>(ref x);
            var mask = TWidth.BroadcastBits(0x7FFF_FFFF);
            var max = TWidth.Zero;
            for (var i = 0; i < count - TWidth.Count; i += TWidth.Count)
            {
                max = TWidth.MaxBits32(max, TWidth.And(TWidth.Load(ref Unsafe.Add(ref bits, i)), mask));
            }

            return TWidth.LargestBits32(TWidth.MaxBits32(max, TWidth.And(TWidth.Load(ref Unsafe.Add(ref bits, count - TWidth.Count)), mask)));
        }

        ref var halves = ref Unsafe.As<T, ushort>(ref x);
        var lanes = 2 * TWidth.Count;
        var halfMask = TWidth.BroadcastBits(0x7FFF_7FFF);
        var largest = TWidth.Zero;
        for (var i = 0; i < count - lanes; i += lanes)
        {
            largest = TWidth.MaxBits16(largest, TWidth.And(TWidth.Load(ref Unsafe.As<ushort, float>(ref Unsafe.Add(ref halves, i))), halfMask));
        }

        largest = TWidth.MaxBits16(largest, TWidth.And(TWidth.Load(ref Unsafe.As<ushort, float>(ref Unsafe.Add(ref halves, count - lanes))), halfMask));
        return (uint)TWidth.LargestBits16(largest) << 16;
    }
    private static uint LargestScalar<T>(ref T x, int count)
        where T : unmanaged
    {
        var largest = 0u;
        for (var i = 0; i < count; i++)
        {
            largest = typeof(T) == typeof(float)
                ? Math.Max(largest, Unsafe.As<T, uint>(ref Unsafe.Add(ref x, i)) & 0x7FFF_FFFFu)
                : Math.Max(largest, (uint)(Unsafe.As<T, ushort>(ref Unsafe.Add(ref x, i)) & 0x7FFF) << 16);
        }

        return largest;
    }
    private static void CodesVectors<TScheme, T, TWidth, TVector>(ref T x, int count, float scale, ref byte destination, byte offsetMask)
        where TScheme : struct, IRtnScheme
        where T : unmanaged
        where TWidth : struct, ISimdWidth<TVector>
        where TVector : struct
    {
        var chunk = 4 * TWidth.Count;
        var s = TWidth.Broadcast(scale);
        var last = count - chunk;
        for (var i = 0; i < last; i += chunk)
        {
            CodesChunk<TScheme, T, TWidth, TVector>(ref Unsafe.Add(ref x, i), s, ref Unsafe.Add(ref destination, SchemeConstants<TScheme>.IsInt4 ? i / 2 : i), offsetMask);
        }

        CodesChunk<TScheme, T, TWidth, TVector>(ref Unsafe.Add(ref x, last), s, ref Unsafe.Add(ref destination, SchemeConstants<TScheme>.IsInt4 ? last / 2 : last), offsetMask);
    }
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void CodesChunk<TScheme, T, TWidth, TVector>(ref T values, TVector scale, ref byte destination, byte offsetMask)
        where TScheme : struct, IRtnScheme
        where T : unmanaged
        where TWidth : struct, ISimdWidth<TVector>
        where TVector : struct
    {
        TWidth.StoreCodes(
            Quotient<T, TWidth, TVector>(ref values, scale),
            Quotient<T, TWidth, TVector>(ref Unsafe.Add(ref values, TWidth.Count), scale),
            Quotient<T, TWidth, TVector>(ref Unsafe.Add(ref values, 2 * TWidth.Count), scale),
            Quotient<T, TWidth, TVector>(ref Unsafe.Add(ref values, 3 * TWidth.Count), scale),
            SchemeConstants<TScheme>.IsInt4,
            offsetMask,
            ref destination);
    }
    /// <summary>
    /// <c>x / s</c> rounded to <typeparamref name="T"/>; the width clamps after rounding to an
    /// integer, which gives the codes of <see cref="Code"/>. |x / s| stays below 2^bits even for
    /// subnormal scales (s ≥ 2m/15 up to rounding), so nothing overflows on the way.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TVector Quotient<T, TWidth, TVector>(ref T values, TVector scale)
        where T : unmanaged
        where TWidth : struct, ISimdWidth<TVector>
        where TVector : struct =>
        Lanes<TWidth, TVector>.RoundQuotient<T>(TWidth.Divide(Lanes<TWidth, TVector>.Load(ref values), scale));

    private static void CodesScalar<TScheme, T>(ref T x, int count, float scale, ref byte destination, byte offsetMask)
        where TScheme : struct, IRtnScheme
        where T : unmanaged
    {
        if (SchemeConstants<TScheme>.IsInt4)
        {
            for (var i = 0; i < count; i += 2)
            {
                var low = Code<TScheme, T>(Precision<T>.ToSingle(Unsafe.Add(ref x, i)), scale);
                var high = Code<TScheme, T>(Precision<T>.ToSingle(Unsafe.Add(ref x, i + 1)), scale);
                Unsafe.Add(ref destination, i / 2) = (byte)((((high & 0xF) << 4) | (low & 0xF)) ^ offsetMask);
            }

            return;
        }

        for (var i = 0; i < count; i++)
        {
            Unsafe.Add(ref destination, i) = (byte)(Code<TScheme, T>(Precision<T>.ToSingle(Unsafe.Add(ref x, i)), scale) ^ offsetMask);
        }
    }

    /// <summary>One value at a time, each nibble placed on its own: groups of odd size at 4 bits share bytes.</summary>
    private static void CodesAcrossGroups<TScheme, T>(ReadOnlySpan<T> row, int groupSize, ReadOnlySpan<float> scales, Span<byte> codes, byte offsetMask)
        where TScheme : struct, IRtnScheme
        where T : unmanaged
    {
        for (var i = 0; i < row.Length; i++)
        {
            var code = Code<TScheme, T>(Precision<T>.ToSingle(row[i]), scales[i / groupSize]);
            var nibble = (code ^ offsetMask) & 0xF;
            ref var pair = ref codes[i / 2];
            pair = (i & 1) == 0 ? (byte)((pair & 0xF0) | nibble) : (byte)((pair & 0x0F) | (nibble << 4));
        }
    }

    private readonly ref struct MaxMagnitudeLoop<T>(ReadOnlySpan<T> row, int groupSize, Span<uint> maxima) : IWidthLoop
        where T : unmanaged
    {
        private readonly ReadOnlySpan<T> row = row;
        private readonly Span<uint> maxima = maxima;

        bool IWidthFit.Fits(int lanes) => groupSize >= (typeof(T) == typeof(float) ? lanes : 2 * lanes);

        [MethodImpl(MethodImplOptions.NoInlining)]
        void IWidthLoop.Run<TWidth, TVector>()
        {
            ref var x = ref MemoryMarshal.GetReference(row);
            var g = groupSize;
            var largest = maxima;
            for (var j = 0; j < largest.Length; j++)
            {
                largest[j] = SingleBits<T>(LargestVectors<T, TWidth, TVector>(ref Unsafe.Add(ref x, j * g), g));
            }
        }

        void IWidthLoop.RunScalar()
        {
            ref var x = ref MemoryMarshal.GetReference(row);
            for (var j = 0; j < maxima.Length; j++)
            {
                maxima[j] = SingleBits<T>(LargestScalar(ref Unsafe.Add(ref x, j * groupSize), groupSize));
            }
        }
    }

    private readonly ref struct CodesLoop<TScheme, T>(ReadOnlySpan<T> row, int groupSize, ReadOnlySpan<float> scales, Span<byte> codes, byte offsetMask) : IWidthLoop
        where TScheme : struct, IRtnScheme
        where T : unmanaged
    {
        private readonly ReadOnlySpan<T> row = row;
        private readonly ReadOnlySpan<float> scales = scales;
        private readonly Span<byte> codes = codes;

        bool IWidthFit.Fits(int lanes) => groupSize >= 4 * lanes && !(SchemeConstants<TScheme>.IsInt4 && (groupSize & 1) != 0);

        [MethodImpl(MethodImplOptions.NoInlining)]
        void IWidthLoop.Run<TWidth, TVector>()
        {
            ref var x = ref MemoryMarshal.GetReference(row);
            ref var destination = ref MemoryMarshal.GetReference(codes);
            var (g, mask) = (groupSize, offsetMask);
            var s = scales;
            for (var j = 0; j < s.Length; j++)
            {
                ref var groupCodes = ref Unsafe.Add(ref destination, SchemeConstants<TScheme>.IsInt4 ? j * g / 2 : j * g);
                if (s[j] == 0)
                {
                    CodesScalar<TScheme, T>(ref Unsafe.Add(ref x, j * g), g, 0, ref groupCodes, mask);
                }
                else
                {
                    CodesVectors<TScheme, T, TWidth, TVector>(ref Unsafe.Add(ref x, j * g), g, s[j], ref groupCodes, mask);
                }
            }
        }

        void IWidthLoop.RunScalar()
        {
            if (SchemeConstants<TScheme>.IsInt4 && (groupSize & 1) != 0)
            {
                CodesAcrossGroups<TScheme, T>(row, groupSize, scales, codes, offsetMask);
                return;
            }

            ref var x = ref MemoryMarshal.GetReference(row);
            ref var destination = ref MemoryMarshal.GetReference(codes);
            for (var j = 0; j < scales.Length; j++)
            {
                ref var groupCodes = ref Unsafe.Add(ref destination, SchemeConstants<TScheme>.IsInt4 ? j * groupSize / 2 : j * groupSize);
                CodesScalar<TScheme, T>(ref Unsafe.Add(ref x, j * groupSize), groupSize, scales[j], ref groupCodes, offsetMask);
            }
        }
    }
}
