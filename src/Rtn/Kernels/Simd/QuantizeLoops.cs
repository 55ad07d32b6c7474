using System.Runtime.CompilerServices;
using Rtn.Kernels.Drivers;

namespace Rtn.Kernels.Simd;

/// <summary>
/// The two passes over one group: its largest magnitude, then its codes. A call takes the
/// widest tier allowed whose vectors fit in the group, and a tail is covered by one last vector
/// that overlaps the previous one (same group, same codes).
/// </summary>
internal static class QuantizeLoops
{
    /// <summary>
    /// The fp32 bits of <c>max |x|</c> over <paramref name="count"/> values, or 0x7F800000 or
    /// more when one of them is NaN or infinite. The maximum is taken on magnitude bits, which
    /// order like the values themselves; 16-bit types need no widening for it.
    /// </summary>
    public static uint MaxMagnitudeBits<T>(VectorTier tier, ref T x, int count)
        where T : unmanaged
    {
        var loop = new MaxMagnitudeLoop<T>(ref x, count);
        Tiers.Run(tier, ref loop);
        var magnitude = loop.Largest;
        if (typeof(T) == typeof(float) || typeof(T) == typeof(BFloat16))
        {
            return magnitude;
        }

        magnitude >>= 16;
        return magnitude >= 0x7C00 ? 0x7F80_0000u : BitConverter.SingleToUInt32Bits((float)BitConverter.UInt16BitsToHalf((ushort)magnitude));
    }

    /// <summary>
    /// Writes the codes of <paramref name="count"/> values of one group with scale
    /// <paramref name="scale"/> (positive, or +∞) to <paramref name="destination"/>, the byte of
    /// the first value; <paramref name="offsetMask"/> turns signed bytes into the stored layout.
    /// </summary>
    public static void Codes<TScheme, T>(VectorTier tier, ref T x, int count, float scale, ref byte destination, byte offsetMask)
        where TScheme : struct, IRtnScheme
        where T : unmanaged
    {
        var loop = new CodesLoop<TScheme, T>(ref x, count, scale, ref destination, offsetMask);
        Tiers.Run(tier, ref loop);
    }

    /// <summary>
    /// The code of one value: a true fp32 division (no reciprocal), clamped, rounded to
    /// <typeparamref name="T"/>, then to an integer, ties to even. Clamping before the rounding to
    /// <typeparamref name="T"/> gives the same result as after it: rounding is monotonic and both
    /// bounds are representable in every <typeparamref name="T"/>. The vector tiers clamp after both
    /// roundings, which gives the same codes for the same reason.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int Code<TScheme, T>(float x, float scale)
        where TScheme : struct, IRtnScheme
        where T : unmanaged
    {
        var y = Math.Clamp(x / scale, SchemeConstants<TScheme>.MinCode, SchemeConstants<TScheme>.MaxCode);
        return (int)MathF.Round(Precision<T>.Round(y), MidpointRounding.ToEven);
    }

    /// <summary>
    /// The code of one value when the scale is 0 (an all-zero group, or a scale that underflowed):
    /// <c>x / 0</c> is ±∞, clamped to the end of the range, or NaN for <c>x = ±0</c>, which the
    /// zero-group rule (docs/rtn-spec.md, "Edge cases") makes 0.
    /// </summary>
    public static int CodeForZeroScale<TScheme>(float x)
        where TScheme : struct, IRtnScheme =>
        x > 0 ? (int)SchemeConstants<TScheme>.MaxCode : x < 0 ? (int)SchemeConstants<TScheme>.MinCode : 0;

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

    private ref struct MaxMagnitudeLoop<T>(ref T x, int count) : IWidthLoop
        where T : unmanaged
    {
        private readonly ref T x = ref x;

        /// <summary>The largest magnitude bits found (in the upper half for 16-bit types).</summary>
        public uint Largest { get; private set; }

        bool IWidthFit.Fits(int lanes) => count >= (typeof(T) == typeof(float) ? lanes : 2 * lanes);

        void IWidthLoop.Run<TWidth, TVector>() =>
            Largest = LargestVectors<T, TWidth, TVector>(ref x, count);

        void IWidthLoop.RunScalar() => Largest = LargestScalar(ref x, count);
    }

    private readonly ref struct CodesLoop<TScheme, T>(ref T x, int count, float scale, ref byte destination, byte offsetMask) : IWidthLoop
        where TScheme : struct, IRtnScheme
        where T : unmanaged
    {
        private readonly ref T x = ref x;
        private readonly ref byte destination = ref destination;

        bool IWidthFit.Fits(int lanes) => count >= 4 * lanes;

        void IWidthLoop.Run<TWidth, TVector>() =>
            CodesVectors<TScheme, T, TWidth, TVector>(ref x, count, scale, ref destination, offsetMask);

        void IWidthLoop.RunScalar() => CodesScalar<TScheme, T>(ref x, count, scale, ref destination, offsetMask);
    }
}
