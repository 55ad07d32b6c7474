using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace Rtn.Tests.Numerics;

/// <summary>float ↔ bfloat16: round to nearest even, NaN kept NaN, overflow, subnormals, exact widening.</summary>
public class BFloat16ConversionTests
{
    [Theory]
    [InlineData(0x3F80_8000u, (ushort)0x3F80)] // 1 + 2^-8, halfway between 1 (even) and 1 + 2^-7: down
    [InlineData(0x3F81_8000u, (ushort)0x3F82)] // halfway between 0x3F81 (odd) and 0x3F82: up
    [InlineData(0xBF80_8000u, (ushort)0xBF80)] // the same ties below zero
    [InlineData(0xBF81_8000u, (ushort)0xBF82)]
    [InlineData(0x3F80_8001u, (ushort)0x3F81)] // just above a tie: up
    [InlineData(0x3F81_7FFFu, (ushort)0x3F81)] // just below a tie: down
    [InlineData(0x3FFF_8000u, (ushort)0x4000)] // a tie whose carry bumps the exponent: 1.9961 → 2
    public void FromSingle_NearTies_RoundsToNearestEven(uint bits, ushort expected) =>
        ((BFloat16)BitConverter.UInt32BitsToSingle(bits)).RawValue.ShouldBe(expected);

    [Theory]
    [InlineData(1.00390625f, 1f)] // 1 + 2^-8: tie, 1 is even
    [InlineData(1.01171875f, 1.015625f)] // 1 + 3·2^-8: tie, 1 + 2^-7 is odd, so 1 + 2^-6
    [InlineData(3.14159274f, 3.140625f)]
    [InlineData(-65504f, -65536f)]
    public void FromSingle_Decimals_RoundToNearestBFloat16(float value, float expected) =>
        ((float)(BFloat16)value).ShouldBe(expected);

    [Theory]
    [InlineData(0x7FC0_0000u, (ushort)0x7FC0)] // quiet NaN
    [InlineData(0x7F80_0001u, (ushort)0x7FC0)] // signalling NaN with a low payload: truncating would give +inf
    [InlineData(0xFF80_0001u, (ushort)0xFFC0)] // negative: the sign is kept
    [InlineData(0x7FA0_0000u, (ushort)0x7FE0)] // the upper payload is kept, made quiet
    [InlineData(0x7FFF_FFFFu, (ushort)0x7FFF)] // rounding up would carry into the sign bit
    [InlineData(0xFFFF_FFFFu, (ushort)0xFFFF)]
    public void FromSingle_NaN_StaysNaNWithItsSign(uint bits, ushort expected)
    {
        var result = (BFloat16)BitConverter.UInt32BitsToSingle(bits);

        result.RawValue.ShouldBe(expected);
        BFloat16.IsNaN(result).ShouldBeTrue();
    }

    [Theory]
    [InlineData(0x7F80_0000u, (ushort)0x7F80)] // +inf
    [InlineData(0xFF80_0000u, (ushort)0xFF80)] // -inf
    [InlineData(0x7F7F_FFFFu, (ushort)0x7F80)] // float.MaxValue rounds up past bf16's largest finite value
    [InlineData(0x7F7F_8000u, (ushort)0x7F80)] // a tie above 0x7F7F (odd): to the even side, infinity
    [InlineData(0xFF7F_8000u, (ushort)0xFF80)]
    [InlineData(0x7F7F_7FFFu, (ushort)0x7F7F)] // just below that tie: the largest finite bfloat16
    [InlineData(0x7F7F_0000u, (ushort)0x7F7F)]
    public void FromSingle_InfinityAndOverflow_GiveInfinityFromHalfwayAboveMax(uint bits, ushort expected) =>
        ((BFloat16)BitConverter.UInt32BitsToSingle(bits)).RawValue.ShouldBe(expected);

    [Theory]
    [InlineData(0x0000_0000u, (ushort)0x0000)]
    [InlineData(0x8000_0000u, (ushort)0x8000)] // -0 stays -0
    [InlineData(0x0000_0001u, (ushort)0x0000)] // float.Epsilon is far below bf16's 2^-133
    [InlineData(0x8000_0001u, (ushort)0x8000)] // and keeps its sign as -0
    [InlineData(0x0000_8000u, (ushort)0x0000)] // half of 2^-133: tie, 0 is even
    [InlineData(0x0001_8000u, (ushort)0x0002)] // 1.5·2^-133: tie, 0x0001 is odd
    [InlineData(0x0000_8001u, (ushort)0x0001)]
    [InlineData(0x0040_0000u, (ushort)0x0040)] // a bf16 subnormal is exact
    [InlineData(0x007F_FFFFu, (ushort)0x0080)] // the largest float subnormal carries into the smallest normal
    public void FromSingle_Subnormals_RoundOnTheSameGrid(uint bits, ushort expected) =>
        ((BFloat16)BitConverter.UInt32BitsToSingle(bits)).RawValue.ShouldBe(expected);

    [Fact]
    public void ToSingle_EveryBFloat16_IsTheUpperHalfOfTheFloat()
    {
        for (var raw = 0; raw <= ushort.MaxValue; raw++)
        {
            var widened = BitConverter.SingleToUInt32Bits(BFloat16.FromRawValue((ushort)raw));
            widened.ShouldBe((uint)raw << 16);
        }
    }

    [Fact]
    public void RoundTrip_EveryBFloat16ThroughFloat_GivesTheSameValue()
    {
        for (var raw = 0; raw <= ushort.MaxValue; raw++)
        {
            var value = BFloat16.FromRawValue((ushort)raw);
            var back = (BFloat16)(float)value;
            if (BFloat16.IsNaN(value))
            {
                // NaN comes back NaN with its sign and payload, made quiet.
                back.RawValue.ShouldBe((ushort)(raw | 0x0040), $"0x{raw:X4}");
            }
            else
            {
                back.RawValue.ShouldBe((ushort)raw, $"0x{raw:X4}");
            }
        }
    }

    [Fact]
    public void FromSingle_EveryUpperHalfWithEdgeLowerHalves_MatchesOracle()
    {
        ushort[] lowerHalves = [0x0000, 0x0001, 0x3FFF, 0x7FFF, 0x8000, 0x8001, 0xC000, 0xFFFF];
        for (var upper = 0u; upper <= ushort.MaxValue; upper++)
        {
            foreach (var lower in lowerHalves)
            {
                var bits = (upper << 16) | lower;
                ((BFloat16)BitConverter.UInt32BitsToSingle(bits)).RawValue.ShouldBe(BFloat16Rounding.Expected(bits), $"0x{bits:X8}");
            }
        }
    }

    [Property(MaxTest = 2000)]
    public Property FromSingle_AnyBits_MatchesOracle() =>
        Prop.ForAll(
            Gen.Choose(0, ushort.MaxValue).Two().Select(halves => ((uint)halves.Item1 << 16) | (uint)halves.Item2).ToArbitrary(),
            bits => ((BFloat16)BitConverter.UInt32BitsToSingle(bits)).RawValue.ShouldBe(BFloat16Rounding.Expected(bits), $"0x{bits:X8}"));
}
