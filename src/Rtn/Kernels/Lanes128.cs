using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Rtn.Kernels;

/// <summary>The 128-bit building blocks, 4 floats per vector; see <see cref="Lanes512"/>.</summary>
internal static class Lanes128
{
    /// <summary>Floats per vector.</summary>
    public const int Count = 4;

    /// <summary>Loads 4 elements widened to fp32.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Load<T>(ref T source)
        where T : unmanaged
    {
        if (typeof(T) == typeof(float))
        {
            return Vector128.LoadUnsafe(ref Unsafe.As<T, float>(ref source));
        }

        var bits = Vector128.WidenLower(Vector128.CreateScalarUnsafe(Unsafe.ReadUnaligned<ulong>(ref Unsafe.As<T, byte>(ref source))).AsUInt16());
        return typeof(T) == typeof(BFloat16) ? (bits << 16).AsSingle() : HalfToSingle(bits);
    }

    /// <summary>Rounds 8 fp32 values to <typeparamref name="T"/> and stores them.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store<T>(Vector128<float> lower, Vector128<float> upper, ref T destination)
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
            ? Vector128.Narrow(SingleToBFloat16(lower), SingleToBFloat16(upper))
            : Vector128.Narrow(SingleToHalf(lower), SingleToHalf(upper));
        bits.StoreUnsafe(ref Unsafe.As<T, ushort>(ref destination));
    }

    /// <inheritdoc cref="Lanes512.RoundQuotient{T}"/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> RoundQuotient<T>(Vector128<float> y)
        where T : unmanaged
    {
        if (typeof(T) == typeof(float))
        {
            return y;
        }

        var bits = y.AsUInt32();
        var rounded = typeof(T) == typeof(BFloat16)
            ? (bits + Vector128.Create(0x7FFFu) + ((bits >> 16) & Vector128<uint>.One)) & Vector128.Create(0xFFFF_0000u)
            : (bits + Vector128.Create(0x0FFFu) + ((bits >> 13) & Vector128<uint>.One)) & Vector128.Create(0xFFFF_E000u);
        return rounded.AsSingle();
    }

    /// <summary>Rounds to the nearest integer, ties to even, and narrows 16 codes in [-128, 127] to bytes.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<byte> NarrowCodes(Vector128<float> a, Vector128<float> b, Vector128<float> c, Vector128<float> d)
    {
        var ab = Vector128.Narrow(Vector128.ConvertToInt32Native(Vector128.Round(a)), Vector128.ConvertToInt32Native(Vector128.Round(b)));
        var cd = Vector128.Narrow(Vector128.ConvertToInt32Native(Vector128.Round(c)), Vector128.ConvertToInt32Native(Vector128.Round(d)));
        return Vector128.Narrow(ab, cd).AsByte();
    }

    /// <summary>Packs 16 codes (one per byte, in order) into 8 bytes, low nibble first.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong PackNibbles(Vector128<byte> codes)
    {
        var pairs = codes.AsUInt16();
        var packed = (pairs & Vector128.Create((ushort)0x000F)) | ((pairs >> 4) & Vector128.Create((ushort)0x00F0));
        return Vector128.Narrow(packed, packed).AsUInt64().ToScalar();
    }

    /// <summary>
    /// 16 consecutive 4-bit codes from 8 bytes as signed bytes, in element order; <paramref name="offset"/>
    /// (0x88 for the offset layout, else 0) turns every byte into the signed layout first.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<sbyte> SignedNibblesInOrder(ulong eightBytes, Vector128<byte> offset)
    {
        // Widened to 16 bits, byte k's nibbles move to bytes 2k and 2k+1 of its lane, in order;
        // then (n ^ 8) - 8 sign-extends each 4-bit value within its byte.
        var pairs = Vector128.WidenLower((Vector128.CreateScalarUnsafe(eightBytes).AsByte() ^ offset));
        var ordered = (pairs & Vector128.Create((ushort)0x000F)) | ((pairs << 4) & Vector128.Create((ushort)0x0F00));
        return ((ordered.AsByte() ^ Vector128.Create((byte)8)) - Vector128.Create((byte)8)).AsSByte();
    }

    /// <summary>8 consecutive 4-bit codes from 4 bytes, in element order.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static (Vector128<float> Lower, Vector128<float> Upper) DecodeInt4(ref byte source, Vector128<byte> offset)
    {
        var codes = Vector128.WidenLower(SignedNibblesInOrder(Unsafe.ReadUnaligned<uint>(ref source), offset));
        return (Vector128.ConvertToSingle(Vector128.WidenLower(codes)), Vector128.ConvertToSingle(Vector128.WidenUpper(codes)));
    }

    /// <summary>The 8 codes of 4 bytes split by column parity, lane k of each from byte k.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static (Vector128<float> Even, Vector128<float> Odd) DecodeInt4ByParity(ref byte source, Vector128<byte> offset)
    {
        var bytes = Vector128.CreateScalarUnsafe(Unsafe.ReadUnaligned<uint>(ref source)).AsByte() ^ offset;
        var lanes = Vector128.WidenLower(Vector128.WidenLower(bytes)).AsInt32();
        return (Vector128.ConvertToSingle((lanes << 28) >> 28), Vector128.ConvertToSingle((lanes << 24) >> 28));
    }

    /// <summary>4 consecutive 8-bit codes; <paramref name="offset"/> is 0x80 for the offset layout, else 0.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> DecodeInt8(ref byte source, Vector128<byte> offset)
    {
        var codes = (Vector128.CreateScalarUnsafe(Unsafe.ReadUnaligned<uint>(ref source)).AsByte() ^ offset).AsSByte();
        return Vector128.ConvertToSingle(Vector128.WidenLower(Vector128.WidenLower(codes)));
    }

    /// <inheritdoc cref="Lanes512.HalfToSingle"/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> HalfToSingle(Vector128<uint> bits)
    {
        var magnitude = bits & Vector128.Create(0x7FFFu);
        var shifted = magnitude << 13;
        var finite = (shifted.AsSingle() * Vector128.Create(HalfBits.TwoTo112)).AsUInt32();
        var special = shifted | Vector128.Create(0x7F80_0000u);
        var isSpecial = Vector128.GreaterThanOrEqual(magnitude, Vector128.Create(0x7C00u));
        return (Vector128.ConditionalSelect(isSpecial, special, finite) | ((bits & Vector128.Create(0x8000u)) << 16)).AsSingle();
    }

    /// <inheritdoc cref="Lanes512.SingleToHalf"/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<uint> SingleToHalf(Vector128<float> value)
    {
        var bits = value.AsUInt32();
        var magnitude = bits & Vector128.Create(0x7FFF_FFFFu);
        var normal = (magnitude + Vector128.Create(HalfBits.NormalRebias) + ((magnitude >> 13) & Vector128<uint>.One)) >> 13;
        var subnormal = (magnitude.AsSingle() + Vector128.Create(0.5f)).AsUInt32() - Vector128.Create(HalfBits.OneHalf);
        var nan = ((magnitude >> 13) & Vector128.Create(0x3FFu)) | Vector128.Create(0x7E00u);
        var half = Vector128.ConditionalSelect(Vector128.LessThan(magnitude, Vector128.Create(HalfBits.SmallestNormal)), subnormal, normal);
        half = Vector128.ConditionalSelect(Vector128.GreaterThanOrEqual(magnitude, Vector128.Create(HalfBits.Overflow)), Vector128.Create(0x7C00u), half);
        half = Vector128.ConditionalSelect(Vector128.GreaterThan(magnitude, Vector128.Create(0x7F80_0000u)), nan, half);
        return half | ((bits >> 16) & Vector128.Create(0x8000u));
    }

    /// <inheritdoc cref="Lanes512.SingleToBFloat16"/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<uint> SingleToBFloat16(Vector128<float> value) =>
        BFloat16.RoundToUpperHalf(value.AsUInt32());
}
