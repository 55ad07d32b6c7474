using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Rtn.Kernels;

/// <summary>
/// The 512-bit building blocks: 16 floats per vector. Half and BFloat16 travel as raw 16-bit
/// lanes, and every conversion here is exact (widening) or rounds to nearest, ties to even,
/// bit for bit as <see cref="Precision{T}"/> does. Vector512 is accelerated only on x86 with
/// AVX-512, so this tier uses AVX-512 instructions directly where the portable API has none.
/// </summary>
internal static class Lanes512
{
    /// <summary>Floats per vector.</summary>
    public const int Count = 16;

    /// <summary>Loads 16 elements widened to fp32.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Load<T>(ref T source)
        where T : unmanaged
    {
        if (typeof(T) == typeof(float))
        {
            return Vector512.LoadUnsafe(ref Unsafe.As<T, float>(ref source));
        }

        var bits = Vector512.WidenLower(Vector256.LoadUnsafe(ref Unsafe.As<T, ushort>(ref source)).ToVector512Unsafe());
        return typeof(T) == typeof(BFloat16) ? (bits << 16).AsSingle() : HalfToSingle(bits);
    }

    /// <summary>Rounds 32 fp32 values to <typeparamref name="T"/> and stores them.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store<T>(Vector512<float> lower, Vector512<float> upper, ref T destination)
        where T : unmanaged
    {
        if (typeof(T) == typeof(float))
        {
            ref var target = ref Unsafe.As<T, float>(ref destination);
            lower.StoreUnsafe(ref target);
            upper.StoreUnsafe(ref target, Count);
            return;
        }

        var bits = typeof(T) == typeof(BFloat16)
            ? Vector512.Narrow(SingleToBFloat16(lower), SingleToBFloat16(upper))
            : Vector512.Narrow(SingleToHalf(lower), SingleToHalf(upper));
        bits.StoreUnsafe(ref Unsafe.As<T, ushort>(ref destination));
    }

    /// <summary>
    /// Rounds a quotient (finite, |y| ≤ 256) to <typeparamref name="T"/> and back:
    /// rounding the significand bits to nearest even with one integer add. Exact over T's
    /// normal range; below it (|y| &lt; 2^-14, fp16 only) the result stays far under one half,
    /// so the code is 0 either way.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> RoundQuotient<T>(Vector512<float> y)
        where T : unmanaged
    {
        if (typeof(T) == typeof(float))
        {
            return y;
        }

        var bits = y.AsUInt32();
        var rounded = typeof(T) == typeof(BFloat16)
            ? (bits + Vector512.Create(0x7FFFu) + ((bits >> 16) & Vector512<uint>.One)) & Vector512.Create(0xFFFF_0000u)
            : (bits + Vector512.Create(0x0FFFu) + ((bits >> 13) & Vector512<uint>.One)) & Vector512.Create(0xFFFF_E000u);
        return rounded.AsSingle();
    }

    /// <summary>
    /// Rounds 64 quotients to integers, ties to even (vcvtps2dq in the default rounding mode, which
    /// .NET never changes), and narrows them to bytes saturating at -128 and 127. Clamping after
    /// the rounding gives the codes of clamping before it, because the bounds are integers; the
    /// saturation is the 8-bit clamp. The saturating packs work within 128-bit lanes, so one
    /// dword permute puts the groups of four codes back in order.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<sbyte> RoundToCodes(Vector512<float> a, Vector512<float> b, Vector512<float> c, Vector512<float> d)
    {
        var ab = Avx512BW.PackSignedSaturate(Avx512F.ConvertToVector512Int32(a), Avx512F.ConvertToVector512Int32(b));
        var cd = Avx512BW.PackSignedSaturate(Avx512F.ConvertToVector512Int32(c), Avx512F.ConvertToVector512Int32(d));
        var interleaved = Avx512BW.PackSignedSaturate(ab, cd).AsInt32();
        return Avx512F.PermuteVar16x32(interleaved, Vector512.Create(0, 4, 8, 12, 1, 5, 9, 13, 2, 6, 10, 14, 3, 7, 11, 15)).AsSByte();
    }

    /// <summary>Packs 64 codes (one per byte, in order) into 32 bytes, low nibble first.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<byte> PackNibbles(Vector512<sbyte> codes)
    {
        var pairs = codes.AsUInt16();
        var packed = (pairs & Vector512.Create((ushort)0x000F)) | ((pairs >> 4) & Vector512.Create((ushort)0x00F0));
        return Vector512.Narrow(packed, packed).GetLower();
    }

    /// <summary>The 16 values a nibble stands for in <paramref name="format"/>, indexed by the nibble.</summary>
    public static Vector512<float> NibbleValues(RtnFormat format) => format == RtnFormat.Signed
        ? Vector512.Create(0f, 1, 2, 3, 4, 5, 6, 7, -8, -7, -6, -5, -4, -3, -2, -1)
        : Vector512.Create(-8f, -7, -6, -5, -4, -3, -2, -1, 0, 1, 2, 3, 4, 5, 6, 7);

    /// <summary>
    /// 32 consecutive 4-bit codes from 16 bytes, in element order. Each byte is copied to two
    /// lanes, shifted by 0 or 4, and looked up in <paramref name="nibbles"/>: vpermps reads only
    /// the low 4 bits of each index, so the upper nibble needs no mask.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static (Vector512<float> Lower, Vector512<float> Upper) DecodeInt4(ref byte source, Vector512<float> nibbles)
    {
        var bytes = Vector128.LoadUnsafe(ref source);
        var shifts = Vector512.Create(0u, 4, 0, 4, 0, 4, 0, 4, 0, 4, 0, 4, 0, 4, 0, 4);
        var lower = Avx512F.ShiftRightLogicalVariable(Avx512F.ConvertToVector512UInt32(Vector128.Shuffle(bytes, Vector128.Create((byte)0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7))), shifts);
        var upper = Avx512F.ShiftRightLogicalVariable(Avx512F.ConvertToVector512UInt32(Vector128.Shuffle(bytes, Vector128.Create((byte)8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13, 14, 14, 15, 15))), shifts);
        return (Vector512.ShuffleNative(nibbles, lower.AsInt32()), Vector512.ShuffleNative(nibbles, upper.AsInt32()));
    }

    /// <summary>
    /// The 32 codes of 16 bytes split by column parity: low nibbles (even columns) and high
    /// nibbles (odd columns), lane k of each from byte k.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static (Vector512<float> Even, Vector512<float> Odd) DecodeInt4ByParity(ref byte source, Vector512<float> nibbles)
    {
        var bytes = Avx512F.ConvertToVector512Int32(Vector128.LoadUnsafe(ref source));
        return (Vector512.ShuffleNative(nibbles, bytes), Vector512.ShuffleNative(nibbles, bytes >>> 4));
    }

    /// <summary>16 consecutive 8-bit codes; <paramref name="offset"/> is 0x80 for the offset layout, else 0.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> DecodeInt8(ref byte source, Vector128<byte> offset) =>
        Vector512.ConvertToSingle(Avx512F.ConvertToVector512Int32((Vector128.LoadUnsafe(ref source) ^ offset).AsSByte()));

    /// <summary>Exact fp16 → fp32 for 16 lanes of raw bits (every finite value and infinity; NaN stays NaN).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> HalfToSingle(Vector512<uint> bits)
    {
        // Shifted into place, the fp16 exponent and significand form an fp32 2^112 times too
        // small, subnormals included; one exact multiply fixes the bias. Infinity and NaN
        // instead get the all-ones exponent.
        var magnitude = bits & Vector512.Create(0x7FFFu);
        var shifted = magnitude << 13;
        var finite = (shifted.AsSingle() * Vector512.Create(HalfBits.TwoTo112)).AsUInt32();
        var special = shifted | Vector512.Create(0x7F80_0000u);
        var isSpecial = Vector512.GreaterThanOrEqual(magnitude, Vector512.Create(0x7C00u));
        return (Vector512.ConditionalSelect(isSpecial, special, finite) | ((bits & Vector512.Create(0x8000u)) << 16)).AsSingle();
    }

    /// <summary>fp32 → fp16 bits (in the low 16 bits of each lane), rounding as <c>(Half)value</c> does.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<uint> SingleToHalf(Vector512<float> value)
    {
        var bits = value.AsUInt32();
        var magnitude = bits & Vector512.Create(0x7FFF_FFFFu);
        var normal = (magnitude + Vector512.Create(HalfBits.NormalRebias) + ((magnitude >> 13) & Vector512<uint>.One)) >> 13;
        var subnormal = (magnitude.AsSingle() + Vector512.Create(0.5f)).AsUInt32() - Vector512.Create(HalfBits.OneHalf);
        var nan = ((magnitude >> 13) & Vector512.Create(0x3FFu)) | Vector512.Create(0x7E00u);
        var half = Vector512.ConditionalSelect(Vector512.LessThan(magnitude, Vector512.Create(HalfBits.SmallestNormal)), subnormal, normal);
        half = Vector512.ConditionalSelect(Vector512.GreaterThanOrEqual(magnitude, Vector512.Create(HalfBits.Overflow)), Vector512.Create(0x7C00u), half);
        half = Vector512.ConditionalSelect(Vector512.GreaterThan(magnitude, Vector512.Create(0x7F80_0000u)), nan, half);
        return half | ((bits >> 16) & Vector512.Create(0x8000u));
    }

    /// <summary>fp32 → bfloat16 bits (in the low 16 bits of each lane), nearest even; NaN stays a quiet NaN.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<uint> SingleToBFloat16(Vector512<float> value) =>
        BFloat16.RoundToUpperHalf(value.AsUInt32());
}
