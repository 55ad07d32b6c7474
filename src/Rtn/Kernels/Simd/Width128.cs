using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Rtn.Kernels.Simd;

/// <summary>128-bit vectors, 4 floats, through the portable Vector128 API (SSE, NEON).</summary>
internal readonly struct Width128 : ISimdWidth<Vector128<float>>
{
    public static int Count => 4;

    /// <summary>6 rows × 2 vectors: 12 of the 16 xmm registers hold accumulators.</summary>
    public static int PanelRows => 6;

    public static Vector128<float> Zero => Vector128<float>.Zero;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Broadcast(float value) => Vector128.Create(value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> BroadcastBits(uint bits) => Vector128.Create(bits).AsSingle();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Load(ref float source) => Vector128.LoadUnsafe(ref source);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> LoadBytes(ref byte source) => Vector128.LoadUnsafe(ref source).AsSingle();

    /// <remarks>Two loads: this width runs where no wider vector exists, or where a group is too short for a wider step, and so for a pair.</remarks>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static (Vector128<float> First, Vector128<float> Second) LoadBytePair(ref byte source, Vector128<float> flip) =>
        (LoadBytes(ref source) ^ flip, LoadBytes(ref Unsafe.Add(ref source, Count * 4)) ^ flip);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(Vector128<float> value, ref float destination) => value.StoreUnsafe(ref destination);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> LoadWidened(ref ushort source) =>
        Vector128.WidenLower(Vector128.CreateScalarUnsafe(Unsafe.ReadUnaligned<ulong>(ref Unsafe.As<ushort, byte>(ref source))).AsUInt16()).AsSingle();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void StoreNarrowed(Vector128<float> lower, Vector128<float> upper, ref ushort destination) =>
        Vector128.Narrow(lower.AsUInt32(), upper.AsUInt32()).StoreUnsafe(ref destination);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Add(Vector128<float> a, Vector128<float> b) => a + b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Multiply(Vector128<float> a, Vector128<float> b) => a * b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Divide(Vector128<float> a, Vector128<float> b) => a / b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> FusedMultiplyAdd(Vector128<float> a, Vector128<float> b, Vector128<float> addend) =>
        Vector128.FusedMultiplyAdd(a, b, addend);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Clamp(Vector128<float> value, Vector128<float> min, Vector128<float> max) =>
        Vector128.ClampNative(value, min, max);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> SumEach(Vector128<float> a, Vector128<float> b, Vector128<float> c, Vector128<float> d)
    {
        if (!Sse.IsSupported)
        {
            return Vector128.Create(Vector128.Sum(a), Vector128.Sum(b), Vector128.Sum(c), Vector128.Sum(d));
        }

        // [a0 + a2, b0 + b2, a1 + a3, b1 + b3] and the same for c, d; then their halves crosswise.
        var ab = Sse.UnpackLow(a, b) + Sse.UnpackHigh(a, b);
        var cd = Sse.UnpackLow(c, d) + Sse.UnpackHigh(c, d);
        return Sse.MoveLowToHigh(ab, cd) + Sse.MoveHighToLow(cd, ab);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> And(Vector128<float> a, Vector128<float> b) => (a.AsUInt32() & b.AsUInt32()).AsSingle();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Or(Vector128<float> a, Vector128<float> b) => (a.AsUInt32() | b.AsUInt32()).AsSingle();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Xor(Vector128<float> a, Vector128<float> b) => (a.AsUInt32() ^ b.AsUInt32()).AsSingle();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> XorAnd(Vector128<float> bits, Vector128<float> flip, Vector128<float> mask) =>
        Avx512F.VL.IsSupported
            ? Avx512F.VL.TernaryLogic(bits.AsUInt32(), flip.AsUInt32(), mask.AsUInt32(), 0x28).AsSingle()
            : ((bits.AsUInt32() ^ flip.AsUInt32()) & mask.AsUInt32()).AsSingle();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> ConvertInt32ToSingle(Vector128<float> lanes) => Vector128.ConvertToSingle(lanes.AsInt32());

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> AddBits(Vector128<float> a, Vector128<float> b) => (a.AsUInt32() + b.AsUInt32()).AsSingle();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> SubtractBits(Vector128<float> a, Vector128<float> b) => (a.AsUInt32() - b.AsUInt32()).AsSingle();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> ShiftLeft(Vector128<float> bits, int count) => (bits.AsUInt32() << count).AsSingle();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> ShiftRight(Vector128<float> bits, int count) => (bits.AsUInt32() >>> count).AsSingle();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> GreaterThanBits(Vector128<float> a, Vector128<float> b) =>
        Vector128.GreaterThan(a.AsUInt32(), b.AsUInt32()).AsSingle();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Select(Vector128<float> mask, Vector128<float> whenSet, Vector128<float> otherwise) =>
        Vector128.ConditionalSelect(mask, whenSet, otherwise);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> MaxBits32(Vector128<float> a, Vector128<float> b) => Vector128.Max(a.AsUInt32(), b.AsUInt32()).AsSingle();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> MaxBits16(Vector128<float> a, Vector128<float> b) => Vector128.Max(a.AsUInt16(), b.AsUInt16()).AsSingle();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static uint LargestBits32(Vector128<float> lanes)
    {
        // Reduced in the register: scalar maxima compile to branches on the data, and their
        // mispredictions hold back the loads of the next group (half the speed from L3).
        var bits = lanes.AsUInt32();
        bits = Vector128.Max(bits, Vector128.Shuffle(bits, Vector128.Create(2u, 3u, 0u, 1u)));
        return Vector128.Max(bits, Vector128.Shuffle(bits, Vector128.Create(1u, 0u, 3u, 2u))).ToScalar();
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ushort LargestBits16(Vector128<float> lanes)
    {
        var halves = lanes.AsUInt16();
        return (ushort)LargestBits32(Vector128.Max(Vector128.WidenLower(halves), Vector128.WidenUpper(halves)).AsSingle());
    }

    /// <summary>
    /// AVX-VNNI's vpdpbusd where the machine has it; otherwise 16-bit products, which cannot
    /// overflow (|255 · −128| = 32640), widened and summed into the lanes.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> DotBytes(Vector128<float> accumulator, Vector128<float> unsignedBytes, Vector128<float> signedBytes)
    {
        if (AvxVnni.IsSupported)
        {
            return AvxVnni.MultiplyWideningAndAdd(accumulator.AsInt32(), unsignedBytes.AsByte(), signedBytes.AsSByte()).AsSingle();
        }

        var (unsignedLower, unsignedUpper) = Vector128.Widen(unsignedBytes.AsByte());
        var (signedLower, signedUpper) = Vector128.Widen(signedBytes.AsSByte());
        var (a, b) = Vector128.Widen(unsignedLower.AsInt16() * signedLower);
        var (c, d) = Vector128.Widen(unsignedUpper.AsInt16() * signedUpper);
        return (accumulator.AsInt32() + a + b + c + d).AsSingle();
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static (Vector128<float> LowSums, Vector128<float> HighSums) DotNibbles(
        Vector128<float> lowSums, Vector128<float> highSums, Vector128<float> low, Vector128<float> even, Vector128<float> high, Vector128<float> odd) =>
        (DotBytes(lowSums, low, even), DotBytes(highSums, high, odd));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void StoreCodes(Vector128<float> a, Vector128<float> b, Vector128<float> c, Vector128<float> d, bool int4, byte offsetMask, ref byte destination)
    {
        var ab = Vector128.Narrow(RoundToCode(a, int4), RoundToCode(b, int4));
        var cd = Vector128.Narrow(RoundToCode(c, int4), RoundToCode(d, int4));
        var codes = Vector128.Narrow(ab, cd).AsByte();
        if (int4)
        {
            var pairs = codes.AsUInt16();
            var packed = (pairs & Vector128.Create((ushort)0x000F)) | ((pairs >> 4) & Vector128.Create((ushort)0x00F0));
            Unsafe.WriteUnaligned(ref destination, Vector128.Narrow(packed, packed).AsUInt64().ToScalar() ^ (offsetMask * 0x0101_0101_0101_0101ul));
        }
        else
        {
            (codes ^ Vector128.Create(offsetMask)).StoreUnsafe(ref destination);
        }
    }

    /// <summary>The integer nearest to each quotient, ties to even, clamped to the code range.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<int> RoundToCode(Vector128<float> quotient, bool int4) =>
        Vector128.ConvertToInt32Native(Vector128.ClampNative(Vector128.Round(quotient), Vector128.Create(int4 ? -8f : -128f), Vector128.Create(int4 ? 7f : 127f)));

    /// <summary>Unused: this width decodes by arithmetic on the offset, not by lookup.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> NibbleValues(RtnFormat format) => Vector128<float>.Zero;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static (Vector128<float> Lower, Vector128<float> Upper) DecodeInt4(ref byte source, Vector128<float> nibbles, Vector128<byte> offset)
    {
        var codes = Vector128.WidenLower(SignedNibblesInOrder(Unsafe.ReadUnaligned<uint>(ref source), offset));
        return (Vector128.ConvertToSingle(Vector128.WidenLower(codes)), Vector128.ConvertToSingle(Vector128.WidenUpper(codes)));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static (Vector128<float> Even, Vector128<float> Odd) DecodeInt4ByParity(ref byte source, Vector128<float> nibbles, Vector128<byte> offset)
    {
        var bytes = Vector128.CreateScalarUnsafe(Unsafe.ReadUnaligned<uint>(ref source)).AsByte() ^ offset;
        var lanes = Vector128.WidenLower(Vector128.WidenLower(bytes)).AsInt32();
        return (Vector128.ConvertToSingle((lanes << 28) >> 28), Vector128.ConvertToSingle((lanes << 24) >> 28));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> DecodeInt8(ref byte source, Vector128<byte> offset)
    {
        var codes = (Vector128.CreateScalarUnsafe(Unsafe.ReadUnaligned<uint>(ref source)).AsByte() ^ offset).AsSByte();
        return Vector128.ConvertToSingle(Vector128.WidenLower(Vector128.WidenLower(codes)));
    }

    /// <summary>
    /// 16 consecutive 4-bit codes from 8 bytes as signed bytes, in element order; <paramref name="offset"/>
    /// (0x88 for the offset layout, else 0) turns every byte into the signed layout first.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector128<sbyte> SignedNibblesInOrder(ulong eightBytes, Vector128<byte> offset)
    {
        // Widened to 16 bits, byte k's nibbles move to bytes 2k and 2k+1 of its lane, in order;
        // then (n ^ 8) - 8 sign-extends each 4-bit value within its byte.
        var pairs = Vector128.WidenLower(Vector128.CreateScalarUnsafe(eightBytes).AsByte() ^ offset);
        var ordered = (pairs & Vector128.Create((ushort)0x000F)) | ((pairs << 4) & Vector128.Create((ushort)0x0F00));
        return ((ordered.AsByte() ^ Vector128.Create((byte)8)) - Vector128.Create((byte)8)).AsSByte();
    }
}
