using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Rtn.Kernels.Simd;

/// <summary>256-bit vectors, 8 floats, through the portable Vector256 API.</summary>
internal readonly struct Width256 : ISimdWidth<Vector256<float>>
{
    public static int Count => 8;

    /// <summary>6 rows × 2 vectors: 12 of the 16 ymm registers hold accumulators.</summary>
    public static int PanelRows => 6;

    public static Vector256<float> Zero => Vector256<float>.Zero;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Broadcast(float value) => Vector256.Create(value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> BroadcastBits(uint bits) => Vector256.Create(bits).AsSingle();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Load(ref float source) => Vector256.LoadUnsafe(ref source);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> LoadBytes(ref byte source) => Vector256.LoadUnsafe(ref source).AsSingle();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static (Vector256<float> First, Vector256<float> Second) LoadBytePair(ref byte source, Vector256<float> flip)
    {
        if (Vector512.IsHardwareAccelerated)
        {
            var both = Vector512.LoadUnsafe(ref source).AsSingle() ^ Vector512.Create(flip, flip);
            return (both.GetLower(), both.GetUpper());
        }

        return (LoadBytes(ref source) ^ flip, LoadBytes(ref Unsafe.Add(ref source, Count * 4)) ^ flip);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(Vector256<float> value, ref float destination) => value.StoreUnsafe(ref destination);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> LoadWidened(ref ushort source) =>
        Vector256.WidenLower(Vector128.LoadUnsafe(ref source).ToVector256Unsafe()).AsSingle();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void StoreNarrowed(Vector256<float> lower, Vector256<float> upper, ref ushort destination) =>
        Vector256.Narrow(lower.AsUInt32(), upper.AsUInt32()).StoreUnsafe(ref destination);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Add(Vector256<float> a, Vector256<float> b) => a + b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Multiply(Vector256<float> a, Vector256<float> b) => a * b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Divide(Vector256<float> a, Vector256<float> b) => a / b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> FusedMultiplyAdd(Vector256<float> a, Vector256<float> b, Vector256<float> addend) =>
        Vector256.FusedMultiplyAdd(a, b, addend);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Clamp(Vector256<float> value, Vector256<float> min, Vector256<float> max) =>
        Vector256.ClampNative(value, min, max);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> SumEach(Vector256<float> a, Vector256<float> b, Vector256<float> c, Vector256<float> d) =>
        Width128.SumEach(a.GetLower() + a.GetUpper(), b.GetLower() + b.GetUpper(), c.GetLower() + c.GetUpper(), d.GetLower() + d.GetUpper());

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> And(Vector256<float> a, Vector256<float> b) => (a.AsUInt32() & b.AsUInt32()).AsSingle();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Or(Vector256<float> a, Vector256<float> b) => (a.AsUInt32() | b.AsUInt32()).AsSingle();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Xor(Vector256<float> a, Vector256<float> b) => (a.AsUInt32() ^ b.AsUInt32()).AsSingle();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> XorAnd(Vector256<float> bits, Vector256<float> flip, Vector256<float> mask) =>
        Avx512F.VL.IsSupported
            ? Avx512F.VL.TernaryLogic(bits.AsUInt32(), flip.AsUInt32(), mask.AsUInt32(), 0x28).AsSingle()
            : ((bits.AsUInt32() ^ flip.AsUInt32()) & mask.AsUInt32()).AsSingle();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> ConvertInt32ToSingle(Vector256<float> lanes) => Vector256.ConvertToSingle(lanes.AsInt32());

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> AddBits(Vector256<float> a, Vector256<float> b) => (a.AsUInt32() + b.AsUInt32()).AsSingle();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> SubtractBits(Vector256<float> a, Vector256<float> b) => (a.AsUInt32() - b.AsUInt32()).AsSingle();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> ShiftLeft(Vector256<float> bits, int count) => (bits.AsUInt32() << count).AsSingle();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> ShiftRight(Vector256<float> bits, int count) => (bits.AsUInt32() >>> count).AsSingle();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> GreaterThanBits(Vector256<float> a, Vector256<float> b) =>
        Vector256.GreaterThan(a.AsUInt32(), b.AsUInt32()).AsSingle();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Select(Vector256<float> mask, Vector256<float> whenSet, Vector256<float> otherwise) =>
        Vector256.ConditionalSelect(mask, whenSet, otherwise);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> MaxBits32(Vector256<float> a, Vector256<float> b) => Vector256.Max(a.AsUInt32(), b.AsUInt32()).AsSingle();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> MaxBits16(Vector256<float> a, Vector256<float> b) => Vector256.Max(a.AsUInt16(), b.AsUInt16()).AsSingle();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static uint LargestBits32(Vector256<float> lanes) =>
        Width128.LargestBits32(Vector128.Max(lanes.AsUInt32().GetLower(), lanes.AsUInt32().GetUpper()).AsSingle());

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ushort LargestBits16(Vector256<float> lanes) =>
        Width128.LargestBits16(Vector128.Max(lanes.AsUInt16().GetLower(), lanes.AsUInt16().GetUpper()).AsSingle());

    /// <summary>
    /// AVX-VNNI's vpdpbusd where the machine has it; otherwise 16-bit products, which cannot
    /// overflow (|255 · −128| = 32640), widened and summed into the lanes.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> DotBytes(Vector256<float> accumulator, Vector256<float> unsignedBytes, Vector256<float> signedBytes)
    {
        if (AvxVnni.IsSupported)
        {
            return AvxVnni.MultiplyWideningAndAdd(accumulator.AsInt32(), unsignedBytes.AsByte(), signedBytes.AsSByte()).AsSingle();
        }

        var (unsignedLower, unsignedUpper) = Vector256.Widen(unsignedBytes.AsByte());
        var (signedLower, signedUpper) = Vector256.Widen(signedBytes.AsSByte());
        var (a, b) = Vector256.Widen(unsignedLower.AsInt16() * signedLower);
        var (c, d) = Vector256.Widen(unsignedUpper.AsInt16() * signedUpper);
        return (accumulator.AsInt32() + a + b + c + d).AsSingle();
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static (Vector256<float> LowSums, Vector256<float> HighSums) DotNibbles(
        Vector256<float> lowSums, Vector256<float> highSums, Vector256<float> low, Vector256<float> even, Vector256<float> high, Vector256<float> odd) =>
        (DotBytes(lowSums, low, even), DotBytes(highSums, high, odd));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void StoreCodes(Vector256<float> a, Vector256<float> b, Vector256<float> c, Vector256<float> d, bool int4, byte offsetMask, ref byte destination)
    {
        var ab = Vector256.Narrow(RoundToCode(a, int4), RoundToCode(b, int4));
        var cd = Vector256.Narrow(RoundToCode(c, int4), RoundToCode(d, int4));
        var codes = Vector256.Narrow(ab, cd).AsByte();
        if (int4)
        {
            var pairs = codes.AsUInt16();
            var packed = (pairs & Vector256.Create((ushort)0x000F)) | ((pairs >> 4) & Vector256.Create((ushort)0x00F0));
            (Vector256.Narrow(packed, packed).GetLower() ^ Vector128.Create(offsetMask)).StoreUnsafe(ref destination);
        }
        else
        {
            (codes ^ Vector256.Create(offsetMask)).StoreUnsafe(ref destination);
        }
    }

    /// <summary>The integer nearest to each quotient, ties to even, clamped to the code range.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<int> RoundToCode(Vector256<float> quotient, bool int4) =>
        Vector256.ConvertToInt32Native(Vector256.ClampNative(Vector256.Round(quotient), Vector256.Create(int4 ? -8f : -128f), Vector256.Create(int4 ? 7f : 127f)));

    /// <summary>Unused: this width decodes by arithmetic on the offset, not by lookup.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> NibbleValues(RtnFormat format) => Vector256<float>.Zero;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static (Vector256<float> Lower, Vector256<float> Upper) DecodeInt4(ref byte source, Vector256<float> nibbles, Vector128<byte> offset)
    {
        var codes = Width128.SignedNibblesInOrder(Unsafe.ReadUnaligned<ulong>(ref source), offset);
        return (Vector256.ConvertToSingle(Vector256.WidenLower(Vector128.WidenLower(codes).ToVector256Unsafe())),
                Vector256.ConvertToSingle(Vector256.WidenLower(Vector128.WidenUpper(codes).ToVector256Unsafe())));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static (Vector256<float> Even, Vector256<float> Odd) DecodeInt4ByParity(ref byte source, Vector256<float> nibbles, Vector128<byte> offset)
    {
        var bytes = Vector128.CreateScalarUnsafe(Unsafe.ReadUnaligned<ulong>(ref source)).AsByte() ^ offset;
        var lanes = Vector256.WidenLower(Vector128.WidenLower(bytes).ToVector256Unsafe()).AsInt32();

        // Shifting a nibble to the top of the lane and back sign-extends it.
        return (Vector256.ConvertToSingle((lanes << 28) >> 28), Vector256.ConvertToSingle((lanes << 24) >> 28));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> DecodeInt8(ref byte source, Vector128<byte> offset)
    {
        var codes = (Vector128.CreateScalarUnsafe(Unsafe.ReadUnaligned<ulong>(ref source)).AsByte() ^ offset).AsSByte();
        return Vector256.ConvertToSingle(Vector256.WidenLower(Vector128.WidenLower(codes).ToVector256Unsafe()));
    }
}
