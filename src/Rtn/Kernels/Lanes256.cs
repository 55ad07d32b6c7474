using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Rtn.Kernels;

/// <summary>The 256-bit building blocks, 8 floats per vector; see <see cref="Lanes512"/>.</summary>
internal static class Lanes256
{
    /// <summary>Floats per vector.</summary>
    public const int Count = 8;

    /// <summary>Loads 8 elements widened to fp32.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Load<T>(ref T source)
        where T : unmanaged
    {
        if (typeof(T) == typeof(float))
        {
            return Vector256.LoadUnsafe(ref Unsafe.As<T, float>(ref source));
        }

        var bits = Vector256.WidenLower(Vector128.LoadUnsafe(ref Unsafe.As<T, ushort>(ref source)).ToVector256Unsafe());
        return typeof(T) == typeof(BFloat16) ? (bits << 16).AsSingle() : HalfToSingle(bits);
    }

    /// <summary>Rounds 16 fp32 values to <typeparamref name="T"/> and stores them.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store<T>(Vector256<float> lower, Vector256<float> upper, ref T destination)
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
            ? Vector256.Narrow(SingleToBFloat16(lower), SingleToBFloat16(upper))
            : Vector256.Narrow(SingleToHalf(lower), SingleToHalf(upper));
        bits.StoreUnsafe(ref Unsafe.As<T, ushort>(ref destination));
    }

    /// <inheritdoc cref="Lanes512.RoundQuotient{T}"/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> RoundQuotient<T>(Vector256<float> y)
        where T : unmanaged
    {
        if (typeof(T) == typeof(float))
        {
            return y;
        }

        var bits = y.AsUInt32();
        var rounded = typeof(T) == typeof(BFloat16)
            ? (bits + Vector256.Create(0x7FFFu) + ((bits >> 16) & Vector256<uint>.One)) & Vector256.Create(0xFFFF_0000u)
            : (bits + Vector256.Create(0x0FFFu) + ((bits >> 13) & Vector256<uint>.One)) & Vector256.Create(0xFFFF_E000u);
        return rounded.AsSingle();
    }

    /// <summary>Rounds to the nearest integer, ties to even, and narrows 32 codes in [-128, 127] to bytes.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<byte> NarrowCodes(Vector256<float> a, Vector256<float> b, Vector256<float> c, Vector256<float> d)
    {
        var ab = Vector256.Narrow(Vector256.ConvertToInt32Native(Vector256.Round(a)), Vector256.ConvertToInt32Native(Vector256.Round(b)));
        var cd = Vector256.Narrow(Vector256.ConvertToInt32Native(Vector256.Round(c)), Vector256.ConvertToInt32Native(Vector256.Round(d)));
        return Vector256.Narrow(ab, cd).AsByte();
    }

    /// <summary>Packs 32 codes (one per byte, in order) into 16 bytes, low nibble first.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<byte> PackNibbles(Vector256<byte> codes)
    {
        var pairs = codes.AsUInt16();
        var packed = (pairs & Vector256.Create((ushort)0x000F)) | ((pairs >> 4) & Vector256.Create((ushort)0x00F0));
        return Vector256.Narrow(packed, packed).GetLower();
    }

    /// <summary>
    /// 16 consecutive 4-bit codes from 8 bytes, in element order; <paramref name="offset"/>
    /// (0x88 for the offset layout, else 0) turns every byte into the signed layout first.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static (Vector256<float> Lower, Vector256<float> Upper) DecodeInt4(ref byte source, Vector128<byte> offset)
    {
        var codes = Lanes128.SignedNibblesInOrder(Unsafe.ReadUnaligned<ulong>(ref source), offset);
        return (Vector256.ConvertToSingle(Vector256.WidenLower(Vector128.WidenLower(codes).ToVector256Unsafe())),
                Vector256.ConvertToSingle(Vector256.WidenLower(Vector128.WidenUpper(codes).ToVector256Unsafe())));
    }

    /// <summary>The 16 codes of 8 bytes split by column parity, lane k of each from byte k.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static (Vector256<float> Even, Vector256<float> Odd) DecodeInt4ByParity(ref byte source, Vector128<byte> offset)
    {
        var bytes = Vector128.CreateScalarUnsafe(Unsafe.ReadUnaligned<ulong>(ref source)).AsByte() ^ offset;
        var lanes = Vector256.WidenLower(Vector128.WidenLower(bytes).ToVector256Unsafe()).AsInt32();

        // Shifting a nibble to the top of the lane and back sign-extends it.
        return (Vector256.ConvertToSingle((lanes << 28) >> 28), Vector256.ConvertToSingle((lanes << 24) >> 28));
    }

    /// <summary>8 consecutive 8-bit codes; <paramref name="offset"/> is 0x80 for the offset layout, else 0.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> DecodeInt8(ref byte source, Vector128<byte> offset)
    {
        var codes = (Vector128.CreateScalarUnsafe(Unsafe.ReadUnaligned<ulong>(ref source)).AsByte() ^ offset).AsSByte();
        return Vector256.ConvertToSingle(Vector256.WidenLower(Vector128.WidenLower(codes).ToVector256Unsafe()));
    }

    /// <inheritdoc cref="Lanes512.HalfToSingle"/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> HalfToSingle(Vector256<uint> bits)
    {
        var magnitude = bits & Vector256.Create(0x7FFFu);
        var shifted = magnitude << 13;
        var finite = (shifted.AsSingle() * Vector256.Create(HalfBits.TwoTo112)).AsUInt32();
        var special = shifted | Vector256.Create(0x7F80_0000u);
        var isSpecial = Vector256.GreaterThanOrEqual(magnitude, Vector256.Create(0x7C00u));
        return (Vector256.ConditionalSelect(isSpecial, special, finite) | ((bits & Vector256.Create(0x8000u)) << 16)).AsSingle();
    }

    /// <inheritdoc cref="Lanes512.SingleToHalf"/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<uint> SingleToHalf(Vector256<float> value)
    {
        var bits = value.AsUInt32();
        var magnitude = bits & Vector256.Create(0x7FFF_FFFFu);
        var normal = (magnitude + Vector256.Create(HalfBits.NormalRebias) + ((magnitude >> 13) & Vector256<uint>.One)) >> 13;
        var subnormal = (magnitude.AsSingle() + Vector256.Create(0.5f)).AsUInt32() - Vector256.Create(HalfBits.OneHalf);
        var nan = ((magnitude >> 13) & Vector256.Create(0x3FFu)) | Vector256.Create(0x7E00u);
        var half = Vector256.ConditionalSelect(Vector256.LessThan(magnitude, Vector256.Create(HalfBits.SmallestNormal)), subnormal, normal);
        half = Vector256.ConditionalSelect(Vector256.GreaterThanOrEqual(magnitude, Vector256.Create(HalfBits.Overflow)), Vector256.Create(0x7C00u), half);
        half = Vector256.ConditionalSelect(Vector256.GreaterThan(magnitude, Vector256.Create(0x7F80_0000u)), nan, half);
        return half | ((bits >> 16) & Vector256.Create(0x8000u));
    }

    /// <inheritdoc cref="Lanes512.SingleToBFloat16"/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<uint> SingleToBFloat16(Vector256<float> value) =>
        BFloat16.RoundToUpperHalf(value.AsUInt32());
}
