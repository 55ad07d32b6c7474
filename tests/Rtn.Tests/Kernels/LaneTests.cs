using System.Runtime.Intrinsics;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Rtn.Kernels;

namespace Rtn.Tests.Kernels;

/// <summary>
/// The vector conversions every tier relies on, lane by lane against the scalar conversions of
/// <see cref="Half"/> and <see cref="BFloat16"/>, with ties forced half of the time.
/// </summary>
public class LaneTests
{
    [Property(MaxTest = 300, Arbitrary = [typeof(LaneArbitraries)])]
    public void RoundQuotient_AnyTier_MatchesScalarRounding(ClampedQuotients quotients)
    {
        foreach (var y in quotients.Values)
        {
            RoundQuotients<Half>(y);
            RoundQuotients<BFloat16>(y);
        }
    }

    [Property(MaxTest = 300, Arbitrary = [typeof(LaneArbitraries)])]
    public void SingleToHalf_AnyTier_MatchesHalfConversion(FloatBits floats)
    {
        foreach (var bits in floats.Values)
        {
            var value = BitConverter.UInt32BitsToSingle(bits);
            var expected = BitConverter.HalfToUInt16Bits((Half)value);
            ((ushort)Lanes512.SingleToHalf(Vector512.Create(value))[0]).ShouldBe(expected, $"512-bit lanes, {bits:X8}");
            ((ushort)Lanes256.SingleToHalf(Vector256.Create(value))[0]).ShouldBe(expected, $"256-bit lanes, {bits:X8}");
            ((ushort)Lanes128.SingleToHalf(Vector128.Create(value))[0]).ShouldBe(expected, $"128-bit lanes, {bits:X8}");
        }
    }

    [Property(MaxTest = 300, Arbitrary = [typeof(LaneArbitraries)])]
    public void SingleToBFloat16_AnyTier_MatchesBFloat16Conversion(FloatBits floats)
    {
        foreach (var bits in floats.Values)
        {
            var value = BitConverter.UInt32BitsToSingle(bits);
            var expected = ((BFloat16)value).RawValue;
            ((ushort)Lanes512.SingleToBFloat16(Vector512.Create(value))[0]).ShouldBe(expected, $"512-bit lanes, {bits:X8}");
            ((ushort)Lanes256.SingleToBFloat16(Vector256.Create(value))[0]).ShouldBe(expected, $"256-bit lanes, {bits:X8}");
            ((ushort)Lanes128.SingleToBFloat16(Vector128.Create(value))[0]).ShouldBe(expected, $"128-bit lanes, {bits:X8}");
        }
    }

    [Fact]
    public void HalfToSingle_EveryHalf_MatchesHalfConversion()
    {
        for (var bits = 0; bits <= ushort.MaxValue; bits++)
        {
            var expected = (float)BitConverter.UInt16BitsToHalf((ushort)bits);
            var lanes = Vector512.Create((uint)bits);
            foreach (var actual in new[] { Lanes512.HalfToSingle(lanes)[0], Lanes256.HalfToSingle(lanes.GetLower())[0], Lanes128.HalfToSingle(lanes.GetLower().GetLower())[0] })
            {
                if (float.IsNaN(expected))
                {
                    float.IsNaN(actual).ShouldBeTrue($"{bits:X4}");
                }
                else
                {
                    BitConverter.SingleToUInt32Bits(actual).ShouldBe(BitConverter.SingleToUInt32Bits(expected), $"{bits:X4}");
                }
            }
        }
    }

    private static void RoundQuotients<T>(float y)
        where T : unmanaged
    {
        // Below fp16's normal range the tiers round more finely than fp16; the contract there is
        // only that the value stays under one half, so that its code is 0 either way.
        if (typeof(T) == typeof(Half) && MathF.Abs(y) < MathF.Pow(2, -14))
        {
            MathF.Abs(Lanes512.RoundQuotient<T>(Vector512.Create(y))[0]).ShouldBeLessThan(0.5f);
            return;
        }

        var expected = BitConverter.SingleToUInt32Bits(Precision<T>.Round(y));
        BitConverter.SingleToUInt32Bits(Lanes512.RoundQuotient<T>(Vector512.Create(y))[0]).ShouldBe(expected, $"512-bit lanes, {y}");
        BitConverter.SingleToUInt32Bits(Lanes256.RoundQuotient<T>(Vector256.Create(y))[0]).ShouldBe(expected, $"256-bit lanes, {y}");
        BitConverter.SingleToUInt32Bits(Lanes128.RoundQuotient<T>(Vector128.Create(y))[0]).ShouldBe(expected, $"128-bit lanes, {y}");
        BitConverter.SingleToUInt32Bits(ScalarBits.RoundQuotient<T>(y)).ShouldBe(expected, $"scalar, {y}");
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
