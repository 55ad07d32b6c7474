using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Rtn.Gpu.Kernels;

namespace Rtn.Gpu.Tests;

/// <summary>The device-side 16-bit conversions against .NET's <see cref="Half"/> and the project's <see cref="BFloat16"/>.</summary>
public sealed class FloatBitsTests
{
    private static readonly Arbitrary<uint> AnyBits =
        Gen.Choose(int.MinValue, int.MaxValue).Select(i => unchecked((uint)i)).ToArbitrary();

    /// <summary>Around every place where rounding changes behaviour: subnormal and overflow edges, ties.</summary>
    public static TheoryData<uint> Boundaries() =>
    [
        0x0000_0000, 0x8000_0000, 0x0000_0001, 0x3300_0000, 0x3300_0001, 0x32FF_FFFF, 0x3380_0000, 0x33C0_0000,
        0x387F_E000, 0x387F_F000, 0x387F_F001, 0x3880_0000, 0x3880_1000, 0x3880_3000, 0x477F_E000, 0x477F_EFFF,
        0x477F_F000, 0x477F_F001, 0x7F7F_FFFF, 0x7F80_0000, 0xFF80_0000, 0x7FC0_0000, 0x3F80_1000, 0x3F80_3000,
        0x3F80_8000, 0x3F81_8000, 0x7F7F_8000, 0x0080_0000, 0x007F_FFFF,
    ];

    [Fact]
    public void HalfToSingle_EveryHalf_MatchesDotNet()
    {
        for (var bits = 0; bits <= ushort.MaxValue; bits++)
        {
            var expected = (float)BitConverter.UInt16BitsToHalf((ushort)bits);
            var actual = FloatBits.HalfToSingle((ushort)bits);
            if (float.IsNaN(expected))
            {
                float.IsNaN(actual).ShouldBeTrue();
            }
            else
            {
                BitConverter.SingleToUInt32Bits(actual).ShouldBe(BitConverter.SingleToUInt32Bits(expected), $"half bits 0x{bits:X4}");
            }
        }
    }

    [Theory]
    [MemberData(nameof(Boundaries))]
    public void SingleToHalf_Boundary_MatchesDotNet(uint bits) => CheckHalf(bits);

    [Property(MaxTest = 20_000)]
    public Property SingleToHalf_AnyFloat_MatchesDotNet() => Prop.ForAll(AnyBits, CheckHalf);

    [Property(MaxTest = 20_000)]
    public Property SingleToHalf_NearHalfRange_MatchesDotNet() =>
        Prop.ForAll(Gen.Choose(0x3200_0000, 0x4780_0000).Select(i => (uint)i).ToArbitrary(), CheckHalf);

    [Theory]
    [MemberData(nameof(Boundaries))]
    public void SingleToBFloat16_Boundary_MatchesBFloat16(uint bits) => CheckBFloat16(bits);

    [Property(MaxTest = 20_000)]
    public Property SingleToBFloat16_AnyFloat_MatchesBFloat16() => Prop.ForAll(AnyBits, CheckBFloat16);

    [Fact]
    public void BFloat16ToSingle_EveryBFloat16_MatchesBFloat16()
    {
        for (var bits = 0; bits <= ushort.MaxValue; bits++)
        {
            BitConverter.SingleToUInt32Bits(FloatBits.BFloat16ToSingle((ushort)bits))
                .ShouldBe(BitConverter.SingleToUInt32Bits(BFloat16.FromRawValue((ushort)bits)));
        }
    }

    private static void CheckHalf(uint bits)
    {
        var value = BitConverter.UInt32BitsToSingle(bits);
        var expected = BitConverter.HalfToUInt16Bits((Half)value);
        var actual = FloatBits.SingleToHalf(value);
        if (float.IsNaN(value))
        {
            Half.IsNaN(BitConverter.UInt16BitsToHalf(actual)).ShouldBeTrue();
            (actual & 0x8000).ShouldBe(expected & 0x8000);
        }
        else
        {
            actual.ShouldBe(expected, $"float bits 0x{bits:X8}");
        }
    }

    private static void CheckBFloat16(uint bits)
    {
        var value = BitConverter.UInt32BitsToSingle(bits);
        FloatBits.SingleToBFloat16(value).ShouldBe(((BFloat16)value).RawValue, $"float bits 0x{bits:X8}");
    }
}
