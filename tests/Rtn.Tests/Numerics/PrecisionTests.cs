namespace Rtn.Tests.Numerics;

/// <summary>The element-type conversions the spec relies on: exact widening, rounding to nearest even.</summary>
public class PrecisionTests
{
    [Fact]
    public void Name_IsTheSafetensorsDtype()
    {
        Precision<float>.Name.ShouldBe("F32");
        Precision<Half>.Name.ShouldBe("F16");
        Precision<BFloat16>.Name.ShouldBe("BF16");
    }

    [Fact]
    public void EnsureSupported_OtherType_IsRejectedNamingIt()
    {
        Precision<double>.IsSupported.ShouldBeFalse();
        Should.Throw<NotSupportedException>(Precision<double>.EnsureSupported).Message.ShouldContain("Double");
        Should.Throw<NotSupportedException>(() => Precision<int>.FromSingle(1f)).Message.ShouldContain("Int32");
        Should.Throw<NotSupportedException>(() => Precision<int>.ToSingle(1)).Message.ShouldContain("Int32");
    }

    [Theory]
    [InlineData(1.00048828125f, 1f)] // 1 + 2^-11: tie between 1 (even) and 1 + 2^-10
    [InlineData(1.00146484375f, 1.001953125f)] // 1 + 3·2^-11: tie, up to the even 1 + 2^-9
    [InlineData(1.0004885f, 1.0009766f)] // just above the first tie
    [InlineData(65519.996f, 65504f)] // below halfway to 65536: the largest finite half
    [InlineData(65520f, float.PositiveInfinity)] // halfway: the even side is infinity
    [InlineData(8.940697e-8f, 1.1920929e-7f)] // 1.5·2^-24: tie between subnormals 1 and 2 (even) ulps
    [InlineData(2.9802322e-8f, 0f)] // 2^-25, half the smallest subnormal: tie, to zero
    public void Round_Half_IsNearestEven(float value, float expected) =>
        Precision<Half>.Round(value).ShouldBe(expected);

    [Theory]
    [InlineData(1.00390625f, 1f)]
    [InlineData(1.01171875f, 1.015625f)]
    public void Round_BFloat16_IsNearestEven(float value, float expected) =>
        Precision<BFloat16>.Round(value).ShouldBe(expected);

    [Fact]
    public void Round_Single_IsIdentity() =>
        Precision<float>.Round(0.1f).ShouldBe(0.1f);

    [Fact]
    public void ToSingle_EveryHalf_IsExact()
    {
        for (var raw = 0; raw <= ushort.MaxValue; raw++)
        {
            var half = BitConverter.UInt16BitsToHalf((ushort)raw);
            if (Half.IsNaN(half))
            {
                continue;
            }

            var widened = Precision<Half>.ToSingle(half);
            ((double)widened).ShouldBe((double)half);
            BitConverter.HalfToUInt16Bits(Precision<Half>.FromSingle(widened)).ShouldBe((ushort)raw);
        }
    }

    [Fact]
    public void FromSingle_BFloat16_RoundsLikeTheCast()
    {
        Precision<BFloat16>.FromSingle(1.01171875f).RawValue.ShouldBe(((BFloat16)1.01171875f).RawValue);
        Precision<BFloat16>.ToSingle(BFloat16.MaxValue).ShouldBe(3.3895314e38f);
    }
}
