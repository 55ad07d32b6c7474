using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Rtn.Kernels;

/// <summary>
/// The two passes over one group: its largest magnitude, then its codes. Each tier is a small
/// function; a call takes the widest tier allowed whose vectors fit in the group, and a tail
/// is covered by one last vector that overlaps the previous one (same group, same codes).
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
        if (typeof(T) == typeof(float))
        {
            return MaxMagnitude32(tier, ref Unsafe.As<T, uint>(ref x), count);
        }

        var magnitude = MaxMagnitude16(tier, ref Unsafe.As<T, ushort>(ref x), count);
        if (typeof(T) == typeof(BFloat16))
        {
            return (uint)magnitude << 16;
        }

        return magnitude >= 0x7C00 ? 0x7F80_0000u : BitConverter.SingleToUInt32Bits((float)BitConverter.UInt16BitsToHalf(magnitude));
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
        if (tier >= VectorTier.Vector512 && count >= 4 * Lanes512.Count)
        {
            Codes512<TScheme, T>(ref x, count, scale, ref destination, offsetMask);
        }
        else if (tier >= VectorTier.Vector256 && count >= 4 * Lanes256.Count)
        {
            Codes256<TScheme, T>(ref x, count, scale, ref destination, offsetMask);
        }
        else if (tier >= VectorTier.Vector128 && count >= 4 * Lanes128.Count)
        {
            Codes128<TScheme, T>(ref x, count, scale, ref destination, offsetMask);
        }
        else
        {
            CodesScalar<TScheme, T>(ref x, count, scale, ref destination, offsetMask);
        }
    }

    /// <summary>
    /// The code of one value: a true fp32 division (no reciprocal), clamped, rounded to
    /// <typeparamref name="T"/>, then to an integer, ties to even. Clamping before the rounding to
    /// <typeparamref name="T"/> gives the same result as after it: rounding is monotonic and both
    /// bounds are representable in every <typeparamref name="T"/>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int Code<TScheme, T>(float x, float scale)
        where TScheme : struct, IRtnScheme
        where T : unmanaged
    {
        var y = Math.Clamp(x / scale, SchemeConstants<TScheme>.MinCode, SchemeConstants<TScheme>.MaxCode);
        return (int)MathF.Round(ScalarBits.RoundQuotient<T>(y), MidpointRounding.ToEven);
    }

    /// <summary>
    /// The code of one value when the scale is 0 (an all-zero group, or a scale that underflowed):
    /// <c>x / 0</c> is ±∞, clamped to the end of the range, or NaN for <c>x = ±0</c>, which the
    /// spec's zero-group rule makes 0.
    /// </summary>
    public static int CodeForZeroScale<TScheme>(float x)
        where TScheme : struct, IRtnScheme =>
        x > 0 ? (int)SchemeConstants<TScheme>.MaxCode : x < 0 ? (int)SchemeConstants<TScheme>.MinCode : 0;

    private static uint MaxMagnitude32(VectorTier tier, ref uint x, int count)
    {
        if (tier >= VectorTier.Vector512 && count >= Vector512<uint>.Count)
        {
            var mask = Vector512.Create(0x7FFF_FFFFu);
            var max = Vector512<uint>.Zero;
            for (var i = 0; i < count - Vector512<uint>.Count; i += Vector512<uint>.Count)
            {
                max = Vector512.Max(max, Vector512.LoadUnsafe(ref x, (nuint)i) & mask);
            }

            max = Vector512.Max(max, Vector512.LoadUnsafe(ref x, (nuint)(count - Vector512<uint>.Count)) & mask);
            return Largest(Vector256.Max(max.GetLower(), max.GetUpper()));
        }

        if (tier >= VectorTier.Vector256 && count >= Vector256<uint>.Count)
        {
            var mask = Vector256.Create(0x7FFF_FFFFu);
            var max = Vector256<uint>.Zero;
            for (var i = 0; i < count - Vector256<uint>.Count; i += Vector256<uint>.Count)
            {
                max = Vector256.Max(max, Vector256.LoadUnsafe(ref x, (nuint)i) & mask);
            }

            return Largest(Vector256.Max(max, Vector256.LoadUnsafe(ref x, (nuint)(count - Vector256<uint>.Count)) & mask));
        }

        if (tier >= VectorTier.Vector128 && count >= Vector128<uint>.Count)
        {
            var mask = Vector128.Create(0x7FFF_FFFFu);
            var max = Vector128<uint>.Zero;
            for (var i = 0; i < count - Vector128<uint>.Count; i += Vector128<uint>.Count)
            {
                max = Vector128.Max(max, Vector128.LoadUnsafe(ref x, (nuint)i) & mask);
            }

            return Largest(Vector128.Max(max, Vector128.LoadUnsafe(ref x, (nuint)(count - Vector128<uint>.Count)) & mask));
        }

        var largest = 0u;
        for (var i = 0; i < count; i++)
        {
            largest = Math.Max(largest, Unsafe.Add(ref x, i) & 0x7FFF_FFFFu);
        }

        return largest;
    }

    private static ushort MaxMagnitude16(VectorTier tier, ref ushort x, int count)
    {
        if (tier >= VectorTier.Vector512 && count >= Vector512<ushort>.Count)
        {
            var mask = Vector512.Create((ushort)0x7FFF);
            var max = Vector512<ushort>.Zero;
            for (var i = 0; i < count - Vector512<ushort>.Count; i += Vector512<ushort>.Count)
            {
                max = Vector512.Max(max, Vector512.LoadUnsafe(ref x, (nuint)i) & mask);
            }

            max = Vector512.Max(max, Vector512.LoadUnsafe(ref x, (nuint)(count - Vector512<ushort>.Count)) & mask);
            return Largest(Vector256.Max(max.GetLower(), max.GetUpper()));
        }

        if (tier >= VectorTier.Vector256 && count >= Vector256<ushort>.Count)
        {
            var mask = Vector256.Create((ushort)0x7FFF);
            var max = Vector256<ushort>.Zero;
            for (var i = 0; i < count - Vector256<ushort>.Count; i += Vector256<ushort>.Count)
            {
                max = Vector256.Max(max, Vector256.LoadUnsafe(ref x, (nuint)i) & mask);
            }

            return Largest(Vector256.Max(max, Vector256.LoadUnsafe(ref x, (nuint)(count - Vector256<ushort>.Count)) & mask));
        }

        if (tier >= VectorTier.Vector128 && count >= Vector128<ushort>.Count)
        {
            var mask = Vector128.Create((ushort)0x7FFF);
            var max = Vector128<ushort>.Zero;
            for (var i = 0; i < count - Vector128<ushort>.Count; i += Vector128<ushort>.Count)
            {
                max = Vector128.Max(max, Vector128.LoadUnsafe(ref x, (nuint)i) & mask);
            }

            return Largest(Vector128.Max(max, Vector128.LoadUnsafe(ref x, (nuint)(count - Vector128<ushort>.Count)) & mask));
        }

        var largest = 0;
        for (var i = 0; i < count; i++)
        {
            largest = Math.Max(largest, Unsafe.Add(ref x, i) & 0x7FFF);
        }

        return (ushort)largest;
    }

    private static uint Largest(Vector256<uint> lanes) => Largest(Vector128.Max(lanes.GetLower(), lanes.GetUpper()));

    private static uint Largest(Vector128<uint> lanes) =>
        Math.Max(Math.Max(lanes[0], lanes[1]), Math.Max(lanes[2], lanes[3]));

    private static ushort Largest(Vector256<ushort> lanes) => Largest(Vector128.Max(lanes.GetLower(), lanes.GetUpper()));

    private static ushort Largest(Vector128<ushort> lanes)
    {
        var wide = Vector128.Max(Vector128.WidenLower(lanes), Vector128.WidenUpper(lanes));
        return (ushort)Largest(wide);
    }

    private static void Codes512<TScheme, T>(ref T x, int count, float scale, ref byte destination, byte offsetMask)
        where TScheme : struct, IRtnScheme
        where T : unmanaged
    {
        const int Chunk = 4 * Lanes512.Count;
        var s = Vector512.Create(scale);
        var last = count - Chunk;
        for (var i = 0; i < last; i += Chunk)
        {
            Chunk512<TScheme, T>(ref Unsafe.Add(ref x, i), s, ref Unsafe.Add(ref destination, SchemeConstants<TScheme>.IsInt4 ? i / 2 : i), offsetMask);
        }

        Chunk512<TScheme, T>(ref Unsafe.Add(ref x, last), s, ref Unsafe.Add(ref destination, SchemeConstants<TScheme>.IsInt4 ? last / 2 : last), offsetMask);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Chunk512<TScheme, T>(ref T values, Vector512<float> scale, ref byte destination, byte offsetMask)
        where TScheme : struct, IRtnScheme
        where T : unmanaged
    {
        // |x / s| stays below 16 (or 256 at 8 bits) even for subnormal scales, so the clamp can
        // follow the roundings: to T (monotonic, bounds representable) and to an integer.
        var codes = Lanes512.RoundToCodes(
            Lanes512.RoundQuotient<T>(Lanes512.Load(ref values) / scale),
            Lanes512.RoundQuotient<T>(Lanes512.Load(ref Unsafe.Add(ref values, Lanes512.Count)) / scale),
            Lanes512.RoundQuotient<T>(Lanes512.Load(ref Unsafe.Add(ref values, 2 * Lanes512.Count)) / scale),
            Lanes512.RoundQuotient<T>(Lanes512.Load(ref Unsafe.Add(ref values, 3 * Lanes512.Count)) / scale));
        if (SchemeConstants<TScheme>.IsInt4)
        {
            var clamped = Vector512.Min(Vector512.Max(codes, Vector512.Create((sbyte)-8)), Vector512.Create((sbyte)7));
            (Lanes512.PackNibbles(clamped) ^ Vector256.Create(offsetMask)).StoreUnsafe(ref destination);
        }
        else
        {
            (codes.AsByte() ^ Vector512.Create(offsetMask)).StoreUnsafe(ref destination);
        }
    }

    private static void Codes256<TScheme, T>(ref T x, int count, float scale, ref byte destination, byte offsetMask)
        where TScheme : struct, IRtnScheme
        where T : unmanaged
    {
        const int Chunk = 4 * Lanes256.Count;
        var s = Vector256.Create(scale);
        var last = count - Chunk;
        for (var i = 0; i < last; i += Chunk)
        {
            Chunk256<TScheme, T>(ref Unsafe.Add(ref x, i), s, ref Unsafe.Add(ref destination, SchemeConstants<TScheme>.IsInt4 ? i / 2 : i), offsetMask);
        }

        Chunk256<TScheme, T>(ref Unsafe.Add(ref x, last), s, ref Unsafe.Add(ref destination, SchemeConstants<TScheme>.IsInt4 ? last / 2 : last), offsetMask);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Chunk256<TScheme, T>(ref T values, Vector256<float> scale, ref byte destination, byte offsetMask)
        where TScheme : struct, IRtnScheme
        where T : unmanaged
    {
        var (min, max) = (Vector256.Create(SchemeConstants<TScheme>.MinCode), Vector256.Create(SchemeConstants<TScheme>.MaxCode));
        var codes = Lanes256.NarrowCodes(
            Lanes256.RoundQuotient<T>(Vector256.ClampNative(Lanes256.Load(ref values) / scale, min, max)),
            Lanes256.RoundQuotient<T>(Vector256.ClampNative(Lanes256.Load(ref Unsafe.Add(ref values, Lanes256.Count)) / scale, min, max)),
            Lanes256.RoundQuotient<T>(Vector256.ClampNative(Lanes256.Load(ref Unsafe.Add(ref values, 2 * Lanes256.Count)) / scale, min, max)),
            Lanes256.RoundQuotient<T>(Vector256.ClampNative(Lanes256.Load(ref Unsafe.Add(ref values, 3 * Lanes256.Count)) / scale, min, max)));
        if (SchemeConstants<TScheme>.IsInt4)
        {
            (Lanes256.PackNibbles(codes) ^ Vector128.Create(offsetMask)).StoreUnsafe(ref destination);
        }
        else
        {
            (codes ^ Vector256.Create(offsetMask)).StoreUnsafe(ref destination);
        }
    }

    private static void Codes128<TScheme, T>(ref T x, int count, float scale, ref byte destination, byte offsetMask)
        where TScheme : struct, IRtnScheme
        where T : unmanaged
    {
        const int Chunk = 4 * Lanes128.Count;
        var s = Vector128.Create(scale);
        var last = count - Chunk;
        for (var i = 0; i < last; i += Chunk)
        {
            Chunk128<TScheme, T>(ref Unsafe.Add(ref x, i), s, ref Unsafe.Add(ref destination, SchemeConstants<TScheme>.IsInt4 ? i / 2 : i), offsetMask);
        }

        Chunk128<TScheme, T>(ref Unsafe.Add(ref x, last), s, ref Unsafe.Add(ref destination, SchemeConstants<TScheme>.IsInt4 ? last / 2 : last), offsetMask);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Chunk128<TScheme, T>(ref T values, Vector128<float> scale, ref byte destination, byte offsetMask)
        where TScheme : struct, IRtnScheme
        where T : unmanaged
    {
        var (min, max) = (Vector128.Create(SchemeConstants<TScheme>.MinCode), Vector128.Create(SchemeConstants<TScheme>.MaxCode));
        var codes = Lanes128.NarrowCodes(
            Lanes128.RoundQuotient<T>(Vector128.ClampNative(Lanes128.Load(ref values) / scale, min, max)),
            Lanes128.RoundQuotient<T>(Vector128.ClampNative(Lanes128.Load(ref Unsafe.Add(ref values, Lanes128.Count)) / scale, min, max)),
            Lanes128.RoundQuotient<T>(Vector128.ClampNative(Lanes128.Load(ref Unsafe.Add(ref values, 2 * Lanes128.Count)) / scale, min, max)),
            Lanes128.RoundQuotient<T>(Vector128.ClampNative(Lanes128.Load(ref Unsafe.Add(ref values, 3 * Lanes128.Count)) / scale, min, max)));
        if (SchemeConstants<TScheme>.IsInt4)
        {
            Unsafe.WriteUnaligned(ref destination, Lanes128.PackNibbles(codes) ^ (offsetMask * 0x0101_0101_0101_0101ul));
        }
        else
        {
            (codes ^ Vector128.Create(offsetMask)).StoreUnsafe(ref destination);
        }
    }

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
}
