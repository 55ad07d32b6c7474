using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Rtn.Kernels.Simd;

/// <summary>
/// 512-bit vectors, 16 floats. Vector512 is accelerated only on x86 with AVX-512, so this width
/// uses AVX-512 instructions directly where the portable API has none: vcvtps2dq with saturating
/// packs for the codes, and a vpermps lookup for 4-bit decoding.
/// </summary>
internal readonly struct Width512 : ISimdWidth<Vector512<float>>
{
    public static int Count => 16;

    /// <summary>12 rows × 2 vectors: 24 of the 32 zmm registers hold accumulators.</summary>
    public static int PanelRows => 12;

    public static Vector512<float> Zero => Vector512<float>.Zero;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Broadcast(float value) => Vector512.Create(value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> BroadcastBits(uint bits) => Vector512.Create(bits).AsSingle();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Load(ref float source) => Vector512.LoadUnsafe(ref source);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> LoadBytes(ref byte source) => Vector512.LoadUnsafe(ref source).AsSingle();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static (Vector512<float> First, Vector512<float> Second) LoadBytePair(ref byte source, Vector512<float> flip) =>
        (LoadBytes(ref source) ^ flip, LoadBytes(ref Unsafe.Add(ref source, Count * 4)) ^ flip);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(Vector512<float> value, ref float destination) => value.StoreUnsafe(ref destination);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> LoadWidened(ref ushort source) =>
        Avx512F.ConvertToVector512UInt32(Vector256.LoadUnsafe(ref source)).AsSingle();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void StoreNarrowed(Vector512<float> lower, Vector512<float> upper, ref ushort destination) =>
        Vector512.Narrow(lower.AsUInt32(), upper.AsUInt32()).StoreUnsafe(ref destination);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Add(Vector512<float> a, Vector512<float> b) => a + b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Multiply(Vector512<float> a, Vector512<float> b) => a * b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Divide(Vector512<float> a, Vector512<float> b) => a / b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> FusedMultiplyAdd(Vector512<float> a, Vector512<float> b, Vector512<float> addend) =>
        Vector512.FusedMultiplyAdd(a, b, addend);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Clamp(Vector512<float> value, Vector512<float> min, Vector512<float> max) =>
        Vector512.ClampNative(value, min, max);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> SumEach(Vector512<float> a, Vector512<float> b, Vector512<float> c, Vector512<float> d) =>
        Width256.SumEach(a.GetLower() + a.GetUpper(), b.GetLower() + b.GetUpper(), c.GetLower() + c.GetUpper(), d.GetLower() + d.GetUpper());

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> And(Vector512<float> a, Vector512<float> b) => (a.AsUInt32() & b.AsUInt32()).AsSingle();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Or(Vector512<float> a, Vector512<float> b) => (a.AsUInt32() | b.AsUInt32()).AsSingle();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Xor(Vector512<float> a, Vector512<float> b) => (a.AsUInt32() ^ b.AsUInt32()).AsSingle();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> XorAnd(Vector512<float> bits, Vector512<float> flip, Vector512<float> mask) =>
        Avx512F.TernaryLogic(bits.AsUInt32(), flip.AsUInt32(), mask.AsUInt32(), 0x28).AsSingle();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> ConvertInt32ToSingle(Vector512<float> lanes) => Vector512.ConvertToSingle(lanes.AsInt32());

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> AddBits(Vector512<float> a, Vector512<float> b) => (a.AsUInt32() + b.AsUInt32()).AsSingle();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> SubtractBits(Vector512<float> a, Vector512<float> b) => (a.AsUInt32() - b.AsUInt32()).AsSingle();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> ShiftLeft(Vector512<float> bits, int count) => (bits.AsUInt32() << count).AsSingle();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> ShiftRight(Vector512<float> bits, int count) => (bits.AsUInt32() >>> count).AsSingle();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> GreaterThanBits(Vector512<float> a, Vector512<float> b) =>
        Vector512.GreaterThan(a.AsUInt32(), b.AsUInt32()).AsSingle();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Select(Vector512<float> mask, Vector512<float> whenSet, Vector512<float> otherwise) =>
        Vector512.ConditionalSelect(mask, whenSet, otherwise);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> MaxBits32(Vector512<float> a, Vector512<float> b) => Vector512.Max(a.AsUInt32(), b.AsUInt32()).AsSingle();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> MaxBits16(Vector512<float> a, Vector512<float> b) => Vector512.Max(a.AsUInt16(), b.AsUInt16()).AsSingle();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static uint LargestBits32(Vector512<float> lanes) =>
        Width256.LargestBits32(Vector256.Max(lanes.AsUInt32().GetLower(), lanes.AsUInt32().GetUpper()).AsSingle());

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ushort LargestBits16(Vector512<float> lanes) =>
        Width256.LargestBits16(Vector256.Max(lanes.AsUInt16().GetLower(), lanes.AsUInt16().GetUpper()).AsSingle());

    /// <summary>
    /// vcvtps2dq rounds to even in the default rounding mode, which .NET never changes, and the
    /// saturating packs are the 8-bit clamp (4-bit codes take one more byte clamp). The packs
    /// work within 128-bit lanes, so one dword permute puts the groups of four codes back in order.
    /// </summary>
    /// <summary>
    /// 16-bit products, which cannot overflow (|255 · −128| = 32640), widened and summed into
    /// the lanes: .NET exposes no 512-bit vpdpbusd short of AVX10, so the product with int8
    /// activations runs at 256 bits where AVX-VNNI is present (see <see cref="Int8ActivationLoops"/>).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> DotBytes(Vector512<float> accumulator, Vector512<float> unsignedBytes, Vector512<float> signedBytes)
    {
        var (unsignedLower, unsignedUpper) = Vector512.Widen(unsignedBytes.AsByte());
        var (signedLower, signedUpper) = Vector512.Widen(signedBytes.AsSByte());
        var (a, b) = Vector512.Widen(unsignedLower.AsInt16() * signedLower);
        var (c, d) = Vector512.Widen(unsignedUpper.AsInt16() * signedUpper);
        return (accumulator.AsInt32() + a + b + c + d).AsSingle();
    }

    /// <summary>
    /// vpmaddubsw and vpmaddwd: a pair of 4-bit products is at most 2 · 15 · 128, so both pairs
    /// sum in 16 bits before one widening to the lanes, and everything goes to
    /// <paramref name="lowSums"/>. Three 512-bit multiplies for 128 codes beat four 256-bit
    /// vpdpbusd on Zen 4 (about 1.25× with the data in cache), which is why the 4-bit product
    /// with int8 activations runs here.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static (Vector512<float> LowSums, Vector512<float> HighSums) DotNibbles(
        Vector512<float> lowSums, Vector512<float> highSums, Vector512<float> low, Vector512<float> even, Vector512<float> high, Vector512<float> odd)
    {
        var pairs = Avx512BW.MultiplyAddAdjacent(low.AsByte(), even.AsSByte()) + Avx512BW.MultiplyAddAdjacent(high.AsByte(), odd.AsSByte());
        return ((lowSums.AsInt32() + Avx512BW.MultiplyAddAdjacent(pairs, Vector512<short>.One)).AsSingle(), highSums);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void StoreCodes(Vector512<float> a, Vector512<float> b, Vector512<float> c, Vector512<float> d, bool int4, byte offsetMask, ref byte destination)
    {
        var ab = Avx512BW.PackSignedSaturate(Avx512F.ConvertToVector512Int32(a), Avx512F.ConvertToVector512Int32(b));
        var cd = Avx512BW.PackSignedSaturate(Avx512F.ConvertToVector512Int32(c), Avx512F.ConvertToVector512Int32(d));
        var interleaved = Avx512BW.PackSignedSaturate(ab, cd).AsInt32();
        var codes = Avx512F.PermuteVar16x32(interleaved, Vector512.Create(0, 4, 8, 12, 1, 5, 9, 13, 2, 6, 10, 14, 3, 7, 11, 15)).AsSByte();
        if (int4)
        {
            var pairs = Vector512.Min(Vector512.Max(codes, Vector512.Create((sbyte)-8)), Vector512.Create((sbyte)7)).AsUInt16();
            var packed = (pairs & Vector512.Create((ushort)0x000F)) | ((pairs >> 4) & Vector512.Create((ushort)0x00F0));
            (Vector512.Narrow(packed, packed).GetLower() ^ Vector256.Create(offsetMask)).StoreUnsafe(ref destination);
        }
        else
        {
            (codes.AsByte() ^ Vector512.Create(offsetMask)).StoreUnsafe(ref destination);
        }
    }

    /// <summary>The 16 values a nibble stands for in <paramref name="format"/>, indexed by the nibble.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> NibbleValues(RtnFormat format) => format == RtnFormat.Signed
        ? Vector512.Create(0f, 1, 2, 3, 4, 5, 6, 7, -8, -7, -6, -5, -4, -3, -2, -1)
        : Vector512.Create(-8f, -7, -6, -5, -4, -3, -2, -1, 0, 1, 2, 3, 4, 5, 6, 7);

    /// <summary>
    /// Each byte is copied to two lanes, shifted by 0 or 4, and looked up in
    /// <paramref name="nibbles"/>: vpermps reads only the low 4 bits of each index, so the upper
    /// nibble needs no mask. The table already speaks the layout, so <paramref name="offset"/> is unused.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static (Vector512<float> Lower, Vector512<float> Upper) DecodeInt4(ref byte source, Vector512<float> nibbles, Vector128<byte> offset)
    {
        var bytes = Vector128.LoadUnsafe(ref source);
        var shifts = Vector512.Create(0u, 4, 0, 4, 0, 4, 0, 4, 0, 4, 0, 4, 0, 4, 0, 4);
        var lower = Avx512F.ShiftRightLogicalVariable(Avx512F.ConvertToVector512UInt32(Vector128.Shuffle(bytes, Vector128.Create((byte)0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7))), shifts);
        var upper = Avx512F.ShiftRightLogicalVariable(Avx512F.ConvertToVector512UInt32(Vector128.Shuffle(bytes, Vector128.Create((byte)8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13, 14, 14, 15, 15))), shifts);
        return (Vector512.ShuffleNative(nibbles, lower.AsInt32()), Vector512.ShuffleNative(nibbles, upper.AsInt32()));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static (Vector512<float> Even, Vector512<float> Odd) DecodeInt4ByParity(ref byte source, Vector512<float> nibbles, Vector128<byte> offset)
    {
        var bytes = Avx512F.ConvertToVector512Int32(Vector128.LoadUnsafe(ref source));
        return (Vector512.ShuffleNative(nibbles, bytes), Vector512.ShuffleNative(nibbles, bytes >>> 4));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> DecodeInt8(ref byte source, Vector128<byte> offset) =>
        Vector512.ConvertToSingle(Avx512F.ConvertToVector512Int32((Vector128.LoadUnsafe(ref source) ^ offset).AsSByte()));
}
