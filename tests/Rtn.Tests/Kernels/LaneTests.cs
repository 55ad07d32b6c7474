using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Rtn.Kernels.Simd;

namespace Rtn.Tests.Kernels;

/// <summary>
/// The vector conversions every tier relies on, lane by lane against the scalar conversions of
/// <see cref="Half"/> and <see cref="BFloat16"/>, with ties forced half of the time; one body
/// per check, run at every width this machine accelerates.
/// </summary>
public class LaneTests
{
    [Property(MaxTest = 300, Arbitrary = [typeof(LaneArbitraries)])]
    public void RoundQuotient_AnyTier_MatchesScalarRounding(ClampedQuotients quotients)
    {
        foreach (var y in quotients.Values)
        {
            AtEveryWidth(new RoundQuotientCheck<Half>(y));
            AtEveryWidth(new RoundQuotientCheck<BFloat16>(y));
        }
    }

    [Property(MaxTest = 300, Arbitrary = [typeof(LaneArbitraries)])]
    public void SingleToHalf_AnyTier_MatchesHalfConversion(FloatBits floats)
    {
        foreach (var bits in floats.Values)
        {
            AtEveryWidth(new SingleToHalfCheck(bits));
        }
    }

    [Property(MaxTest = 300, Arbitrary = [typeof(LaneArbitraries)])]
    public void SingleToBFloat16_AnyTier_MatchesBFloat16Conversion(FloatBits floats)
    {
        foreach (var bits in floats.Values)
        {
            AtEveryWidth(new SingleToBFloat16Check(bits));
        }
    }

    [Fact]
    public void HalfToSingle_EveryHalf_MatchesHalfConversion()
    {
        for (var bits = 0; bits <= ushort.MaxValue; bits++)
        {
            AtEveryWidth(new HalfToSingleCheck((ushort)bits));
        }
    }

    [Property(MaxTest = 300)]
    public void DotBytes_AnyTier_AddsEveryProductToTheLanes(int seed)
    {
        var random = new Random(seed);
        var unsignedBytes = new byte[64];
        var signedBytes = new byte[64];
        random.NextBytes(unsignedBytes);
        random.NextBytes(signedBytes);

        // The extremes, whose 16-bit products come closest to overflowing: 255 · −128 and 255 · 127.
        (unsignedBytes[0], signedBytes[0], unsignedBytes[1], signedBytes[1]) = (255, 0x80, 255, 0x7F);
        AtEveryWidth(new DotBytesCheck(unsignedBytes, signedBytes, random.Next(-1000, 1000)));
    }

    [Property(MaxTest = 300)]
    public void XorAnd_AnyTier_IsXorThenAnd(uint bits, uint flip, uint mask) =>
        AtEveryWidth(new BitsCheck(bits, flip, mask));

    [Property(MaxTest = 300)]
    public void DotNibbles_AnyTier_AddsEveryProductToTheLanes(int seed)
    {
        var random = new Random(seed);
        var (low, high, even, odd) = (new byte[64], new byte[64], new byte[64], new byte[64]);
        random.NextBytes(even);
        random.NextBytes(odd);
        for (var k = 0; k < 64; k++)
        {
            (low[k], high[k]) = ((byte)random.Next(16), (byte)random.Next(16));
        }

        // The extremes, whose 16-bit pair sums come closest to overflowing: 2 · 15 · −128.
        (low[0], even[0], low[1], even[1], high[0], odd[0], high[1], odd[1]) = (15, 0x80, 15, 0x80, 15, 0x80, 15, 0x80);
        AtEveryWidth(new DotNibblesCheck(low, even, high, odd, random.Next(-1000, 1000)));
    }

    [Property(MaxTest = 300)]
    public void LoadBytePair_AnyTier_LoadsBothVectorsFlipped(int seed, uint flip)
    {
        var random = new Random(seed);
        var bytes = new byte[1 + (2 * 64)];
        random.NextBytes(bytes);
        AtEveryWidth(new LoadBytePairCheck(bytes, flip));
    }

    /// <summary>Whole numbers below 2¹⁰, whose sums are exact in any order, so each vector's sum has one right answer.</summary>
    [Property(MaxTest = 300)]
    public void SumEach_AnyTier_SumsEachVectorIntoItsLane(int seed)
    {
        var random = new Random(seed);
        var values = new float[4 * 16];
        for (var k = 0; k < values.Length; k++)
        {
            values[k] = random.Next(-1024, 1024);
        }

        AtEveryWidth(new SumEachCheck(values));
    }

    private static void AtEveryWidth<TCheck>(TCheck check)
        where TCheck : struct, IWidthCheck
    {
        if (VectorTiers.IsSupported(VectorTier.Vector512))
        {
            check.Run<Width512, Vector512<float>>();
        }

        if (VectorTiers.IsSupported(VectorTier.Vector256))
        {
            check.Run<Width256, Vector256<float>>();
        }

        if (VectorTiers.IsSupported(VectorTier.Vector128))
        {
            check.Run<Width128, Vector128<float>>();
        }
    }

    /// <summary>The bits of lane 0.</summary>
    private static uint FirstLane<TWidth, TVector>(TVector vector)
        where TWidth : struct, ISimdWidth<TVector>
        where TVector : struct
    {
        var lanes = new float[TWidth.Count];
        TWidth.Store(vector, ref lanes[0]);
        return BitConverter.SingleToUInt32Bits(lanes[0]);
    }

    private interface IWidthCheck
    {
        void Run<TWidth, TVector>()
            where TWidth : struct, ISimdWidth<TVector>
            where TVector : struct;
    }

    private readonly struct RoundQuotientCheck<T>(float y) : IWidthCheck
        where T : unmanaged
    {
        public void Run<TWidth, TVector>()
            where TWidth : struct, ISimdWidth<TVector>
            where TVector : struct
        {
            var rounded = BitConverter.UInt32BitsToSingle(FirstLane<TWidth, TVector>(Lanes<TWidth, TVector>.RoundQuotient<T>(TWidth.Broadcast(y))));

            // Below fp16's normal range the tiers round more finely than fp16; the contract there is
            // only that the value stays under one half, so that its code is 0 either way.
            if (typeof(T) == typeof(Half) && MathF.Abs(y) < MathF.Pow(2, -14))
            {
                MathF.Abs(rounded).ShouldBeLessThan(0.5f);
                return;
            }

            BitConverter.SingleToUInt32Bits(rounded).ShouldBe(BitConverter.SingleToUInt32Bits(Precision<T>.Round(y)), $"{TWidth.Count * 32}-bit lanes, {y}");
        }
    }

    private readonly struct SingleToHalfCheck(uint bits) : IWidthCheck
    {
        public void Run<TWidth, TVector>()
            where TWidth : struct, ISimdWidth<TVector>
            where TVector : struct
        {
            var expected = BitConverter.HalfToUInt16Bits((Half)BitConverter.UInt32BitsToSingle(bits));
            var actual = FirstLane<TWidth, TVector>(Lanes<TWidth, TVector>.SingleToHalf(TWidth.BroadcastBits(bits)));
            ((ushort)actual).ShouldBe(expected, $"{TWidth.Count * 32}-bit lanes, {bits:X8}");
        }
    }

    private readonly struct SingleToBFloat16Check(uint bits) : IWidthCheck
    {
        public void Run<TWidth, TVector>()
            where TWidth : struct, ISimdWidth<TVector>
            where TVector : struct
        {
            var expected = ((BFloat16)BitConverter.UInt32BitsToSingle(bits)).RawValue;
            var actual = FirstLane<TWidth, TVector>(BFloat16.RoundToUpperHalf<TWidth, TVector>(TWidth.BroadcastBits(bits)));
            ((ushort)actual).ShouldBe(expected, $"{TWidth.Count * 32}-bit lanes, {bits:X8}");
        }
    }

    private readonly struct DotBytesCheck(byte[] unsignedBytes, byte[] signedBytes, int start) : IWidthCheck
    {
        public void Run<TWidth, TVector>()
            where TWidth : struct, ISimdWidth<TVector>
            where TVector : struct
        {
            long expected = start * TWidth.Count;
            for (var k = 0; k < 4 * TWidth.Count; k++)
            {
                expected += unsignedBytes[k] * (sbyte)signedBytes[k];
            }

            var sums = TWidth.DotBytes(TWidth.BroadcastBits((uint)start), TWidth.LoadBytes(ref unsignedBytes[0]), TWidth.LoadBytes(ref signedBytes[0]));
            var lanes = new float[TWidth.Count];
            TWidth.Store(sums, ref lanes[0]);
            lanes.Sum(lane => (long)BitConverter.SingleToInt32Bits(lane)).ShouldBe(expected, $"{TWidth.Count * 32}-bit lanes");
        }
    }

    private readonly struct SumEachCheck(float[] values) : IWidthCheck
    {
        public void Run<TWidth, TVector>()
            where TWidth : struct, ISimdWidth<TVector>
            where TVector : struct
        {
            var count = TWidth.Count;
            var sums = TWidth.SumEach(
                TWidth.Load(ref values[0]), TWidth.Load(ref values[count]), TWidth.Load(ref values[2 * count]), TWidth.Load(ref values[3 * count]));
            for (var v = 0; v < 4; v++)
            {
                sums[v].ShouldBe(values.AsSpan(v * count, count).ToArray().Sum(), $"vector {v}, {count * 32}-bit lanes");
            }
        }
    }

    private readonly struct LoadBytePairCheck(byte[] bytes, uint flip) : IWidthCheck
    {
        public void Run<TWidth, TVector>()
            where TWidth : struct, ISimdWidth<TVector>
            where TVector : struct
        {
            var vectorBytes = 4 * TWidth.Count;
            var (first, second) = TWidth.LoadBytePair(ref bytes[1], TWidth.BroadcastBits(flip));
            var loaded = new float[2 * TWidth.Count];
            TWidth.Store(first, ref loaded[0]);
            TWidth.Store(second, ref loaded[TWidth.Count]);
            var flipBytes = BitConverter.GetBytes(flip);
            var expected = bytes.AsSpan(1, 2 * vectorBytes).ToArray().Select((b, k) => (byte)(b ^ flipBytes[k % 4]));
            MemoryMarshal.AsBytes(loaded.AsSpan()).ToArray().ShouldBe(expected, $"{TWidth.Count * 32}-bit lanes");
        }
    }

    private readonly struct BitsCheck(uint bits, uint flip, uint mask) : IWidthCheck
    {
        public void Run<TWidth, TVector>()
            where TWidth : struct, ISimdWidth<TVector>
            where TVector : struct
        {
            var lanes = new float[TWidth.Count];
            TWidth.Store(TWidth.XorAnd(TWidth.BroadcastBits(bits), TWidth.BroadcastBits(flip), TWidth.BroadcastBits(mask)), ref lanes[0]);
            var expected = (bits ^ flip) & mask;
            lanes.ShouldAllBe(lane => BitConverter.SingleToUInt32Bits(lane) == expected, $"{TWidth.Count * 32}-bit lanes");
        }
    }

    private readonly struct DotNibblesCheck(byte[] low, byte[] even, byte[] high, byte[] odd, int start) : IWidthCheck
    {
        public void Run<TWidth, TVector>()
            where TWidth : struct, ISimdWidth<TVector>
            where TVector : struct
        {
            long expected = 2L * start * TWidth.Count;
            for (var k = 0; k < 4 * TWidth.Count; k++)
            {
                expected += (low[k] * (sbyte)even[k]) + (high[k] * (sbyte)odd[k]);
            }

            var initial = TWidth.BroadcastBits((uint)start);
            var (lowSums, highSums) = TWidth.DotNibbles(
                initial, initial, TWidth.LoadBytes(ref low[0]), TWidth.LoadBytes(ref even[0]), TWidth.LoadBytes(ref high[0]), TWidth.LoadBytes(ref odd[0]));
            var lanes = new float[TWidth.Count];
            TWidth.Store(TWidth.AddBits(lowSums, highSums), ref lanes[0]);
            lanes.Sum(lane => (long)BitConverter.SingleToInt32Bits(lane)).ShouldBe(expected, $"{TWidth.Count * 32}-bit lanes");
        }
    }

    private readonly struct HalfToSingleCheck(ushort bits) : IWidthCheck
    {
        public void Run<TWidth, TVector>()
            where TWidth : struct, ISimdWidth<TVector>
            where TVector : struct
        {
            var expected = (float)BitConverter.UInt16BitsToHalf(bits);
            var actual = BitConverter.UInt32BitsToSingle(FirstLane<TWidth, TVector>(Lanes<TWidth, TVector>.HalfToSingle(TWidth.BroadcastBits(bits))));
            if (float.IsNaN(expected))
            {
                float.IsNaN(actual).ShouldBeTrue($"{bits:X4}");
            }
            else
            {
                BitConverter.SingleToUInt32Bits(actual).ShouldBe(BitConverter.SingleToUInt32Bits(expected), $"{TWidth.Count * 32}-bit lanes, {bits:X4}");
            }
        }
    }
}

/// <summary>fp32 quotients in [-128, 128], half of them exact ties at fp16 or bfloat16 precision.</summary>
public sealed record ClampedQuotients(float[] Values);

/// <summary>Arbitrary fp32 bit patterns: NaNs, infinities, subnormals and ties included.</summary>
public sealed record FloatBits(uint[] Values);

public static class LaneArbitraries
{
    public static Arbitrary<ClampedQuotients> Quotients() =>
        (from values in Gen.ArrayOf(Quotient(), 32) select new ClampedQuotients(values)).ToArbitrary();

    public static Arbitrary<FloatBits> Floats() =>
        (from values in Gen.ArrayOf(FloatPattern(), 32) select new FloatBits(values)).ToArbitrary();

    private static Gen<float> Quotient() =>
        from magnitude in Gen.Choose(0, 0x4300_0000)
        from sign in Gen.Elements(0u, 0x8000_0000u)
        from tie in Gen.Elements(0u, 0x1000u, 0x8000u)
        let bits = tie == 0 ? (uint)magnitude : ((uint)magnitude & ~((tie << 1) - 1)) | tie
        select BitConverter.UInt32BitsToSingle(bits | sign);

    private static Gen<uint> FloatPattern() =>
        from high in Gen.Choose(0, ushort.MaxValue)
        from low in Gen.Frequency((3, Gen.Choose(0, ushort.MaxValue)), (1, Gen.Elements(0x0000, 0x8000, 0x1000, 0x0FFF, 0x7FFF, 0xFFFF)))
        select ((uint)high << 16) | (uint)low;
}
