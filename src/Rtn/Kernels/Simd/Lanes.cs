using System.Runtime.CompilerServices;

namespace Rtn.Kernels.Simd;

/// <summary>
/// Element conversions at any width. Half and BFloat16 travel as raw 16-bit lanes, and every
/// conversion here is exact (widening) or rounds to nearest, ties to even, bit for bit as
/// <see cref="Precision{T}"/> does.
/// </summary>
/// <typeparam name="TWidth">The width's operations.</typeparam>
/// <typeparam name="TVector">The width's fp32 vector.</typeparam>
internal static class Lanes<TWidth, TVector>
    where TWidth : struct, ISimdWidth<TVector>
    where TVector : struct
{
    /// <summary>Loads <c>Count</c> elements widened to fp32.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TVector Load<T>(ref T source)
        where T : unmanaged
    {
        if (typeof(T) == typeof(float))
        {
            return TWidth.Load(ref Unsafe.As<T, float>(ref source));
        }

        var bits = TWidth.LoadWidened(ref Unsafe.As<T, ushort>(ref source));
        return typeof(T) == typeof(BFloat16) ? TWidth.ShiftLeft(bits, 16) : HalfToSingle(bits);
    }

    /// <summary>Rounds <c>2 · Count</c> fp32 values to <typeparamref name="T"/> and stores them.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store<T>(TVector lower, TVector upper, ref T destination)
        where T : unmanaged
    {
        if (typeof(T) == typeof(float))
        {
            ref var target = ref Unsafe.As<T, float>(ref destination);
            TWidth.Store(lower, ref target);
            TWidth.Store(upper, ref Unsafe.Add(ref target, TWidth.Count));
            return;
        }

        ref var bits = ref Unsafe.As<T, ushort>(ref destination);
        if (typeof(T) == typeof(BFloat16))
        {
            TWidth.StoreNarrowed(BFloat16.RoundToUpperHalf<TWidth, TVector>(lower), BFloat16.RoundToUpperHalf<TWidth, TVector>(upper), ref bits);
        }
        else
        {
            TWidth.StoreNarrowed(SingleToHalf(lower), SingleToHalf(upper), ref bits);
        }
    }

    /// <summary>
    /// Rounds a quotient (finite, |y| &lt; 256) to <typeparamref name="T"/> and back. Exact over T's
    /// normal range; below it (|y| &lt; 2^-14, fp16 only) the result stays far under one half, so
    /// the code is 0 either way.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TVector RoundQuotient<T>(TVector y)
        where T : unmanaged
    {
        if (typeof(T) == typeof(float))
        {
            return y;
        }

        var dropped = typeof(T) == typeof(BFloat16) ? 16 : 13;
        return TWidth.And(RoundToEven(y, dropped), TWidth.BroadcastBits(uint.MaxValue << dropped));
    }

    /// <summary>
    /// Rounds fp32 bits to nearest, ties to even, at the bit <paramref name="dropped"/> places up:
    /// adding just under half a unit there plus the lowest kept bit carries exactly when the
    /// dropped bits are above half, or at half with an odd kept part. The dropped bits are left
    /// for the caller to shift out or mask; a carry out of the significand bumps the exponent.
    /// <paramref name="rebias"/>, added in the same step, may change only bits above the kept one.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TVector RoundToEven(TVector bits, int dropped, uint rebias = 0)
    {
        var kept = TWidth.And(TWidth.ShiftRight(bits, dropped), TWidth.BroadcastBits(1));
        return TWidth.AddBits(TWidth.AddBits(bits, TWidth.BroadcastBits(rebias + (1u << (dropped - 1)) - 1)), kept);
    }

    /// <summary>Exact fp16 → fp32 for lanes of raw bits (every finite value and infinity; NaN stays NaN).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TVector HalfToSingle(TVector bits)
    {
        // Shifted into place, the fp16 exponent and significand form an fp32 2^112 times too
        // small, subnormals included; one exact multiply fixes the bias. Infinity and NaN
        // instead get the all-ones exponent.
        var magnitude = TWidth.And(bits, TWidth.BroadcastBits(0x7FFF));
        var shifted = TWidth.ShiftLeft(magnitude, 13);
        var finite = TWidth.Multiply(shifted, TWidth.Broadcast(HalfBits.TwoTo112));
        var special = TWidth.Or(shifted, TWidth.BroadcastBits(0x7F80_0000));
        var isSpecial = TWidth.GreaterThanBits(magnitude, TWidth.BroadcastBits(0x7BFF));
        var sign = TWidth.ShiftLeft(TWidth.And(bits, TWidth.BroadcastBits(0x8000)), 16);
        return TWidth.Or(TWidth.Select(isSpecial, special, finite), sign);
    }

    /// <summary>fp32 → fp16 bits (in the low 16 bits of each lane), rounding as <c>(Half)value</c> does.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TVector SingleToHalf(TVector value)
    {
        var magnitude = TWidth.And(value, TWidth.BroadcastBits(0x7FFF_FFFF));
        var normal = TWidth.ShiftRight(RoundToEven(magnitude, 13, HalfBits.ExponentRebias), 13);
        var subnormal = TWidth.SubtractBits(TWidth.Add(magnitude, TWidth.Broadcast(0.5f)), TWidth.BroadcastBits(HalfBits.OneHalf));
        var nan = TWidth.Or(TWidth.And(TWidth.ShiftRight(magnitude, 13), TWidth.BroadcastBits(0x3FF)), TWidth.BroadcastBits(0x7E00));
        var half = TWidth.Select(TWidth.GreaterThanBits(TWidth.BroadcastBits(HalfBits.SmallestNormal), magnitude), subnormal, normal);
        half = TWidth.Select(TWidth.GreaterThanBits(magnitude, TWidth.BroadcastBits(HalfBits.Overflow - 1)), TWidth.BroadcastBits(0x7C00), half);
        half = TWidth.Select(TWidth.GreaterThanBits(magnitude, TWidth.BroadcastBits(0x7F80_0000)), nan, half);
        return TWidth.Or(half, TWidth.And(TWidth.ShiftRight(value, 16), TWidth.BroadcastBits(0x8000)));
    }
}
