using System.Globalization;

namespace Rtn.Tests.Numerics;

/// <summary>BFloat16's constants, classification, equality, ordering and text.</summary>
public class BFloat16ValueTests
{
    [Fact]
    public void Constants_HaveTheirIeeeValues()
    {
        ((float)BFloat16.MaxValue).ShouldBe(3.3895314e38f);
        ((float)BFloat16.Epsilon).ShouldBe(MathF.ScaleB(1, -133));
        ((float)BFloat16.PositiveInfinity).ShouldBe(float.PositiveInfinity);
        ((float)BFloat16.NegativeInfinity).ShouldBe(float.NegativeInfinity);
        float.IsNaN(BFloat16.NaN).ShouldBeTrue();
    }

    [Theory]
    [InlineData((ushort)0x7FC0, true, false)]
    [InlineData((ushort)0xFF81, true, false)]
    [InlineData((ushort)0x7F80, false, false)]
    [InlineData((ushort)0xFF80, false, false)]
    [InlineData((ushort)0x7F7F, false, true)]
    [InlineData((ushort)0x0001, false, true)]
    [InlineData((ushort)0x8000, false, true)]
    public void Classification_MatchesTheBits(ushort raw, bool isNaN, bool isFinite)
    {
        var value = BFloat16.FromRawValue(raw);

        BFloat16.IsNaN(value).ShouldBe(isNaN);
        BFloat16.IsFinite(value).ShouldBe(isFinite);
    }

    [Fact]
    public void Equality_Zeros_AreEqualWithEqualHashes()
    {
        var zero = BFloat16.FromRawValue(0x0000);
        var negativeZero = BFloat16.FromRawValue(0x8000);

        (zero == negativeZero).ShouldBeTrue();
        zero.Equals(negativeZero).ShouldBeTrue();
        zero.GetHashCode().ShouldBe(negativeZero.GetHashCode());
    }

    [Fact]
    public void Equality_NaN_EqualsItselfButCompareUnequal()
    {
        // Equals is reflexive, as float.Equals is, so NaN works in sets and assertions;
        // the operators keep IEEE semantics.
        var nan = BFloat16.NaN;
        var otherNaN = BFloat16.FromRawValue(0xFFC1);

        nan.Equals(nan).ShouldBeTrue();
        nan.Equals(otherNaN).ShouldBeTrue();
        nan.GetHashCode().ShouldBe(otherNaN.GetHashCode());
        var sameNaN = nan;
        (nan == sameNaN).ShouldBeFalse();
        (nan != sameNaN).ShouldBeTrue();
        new HashSet<BFloat16> { nan, otherNaN }.Count.ShouldBe(1);
    }

    [Fact]
    public void Ordering_FollowsTheFloatValues()
    {
        var one = (BFloat16)1f;
        var alsoOne = (BFloat16)1f;
        var two = (BFloat16)2f;

        (one < two).ShouldBeTrue();
        (two > one).ShouldBeTrue();
        (one <= alsoOne).ShouldBeTrue();
        (one == alsoOne).ShouldBeTrue();
        (two >= one).ShouldBeTrue();
        (one != two).ShouldBeTrue();
        one.CompareTo(two).ShouldBeLessThan(0);
        BFloat16.NaN.CompareTo(one).ShouldBeLessThan(0);
        (BFloat16.NaN < one).ShouldBeFalse();
        (BFloat16.NaN >= one).ShouldBeFalse();
    }

    [Fact]
    public void ToString_IsTheFloatValueInvariantCulture()
    {
        var previous = CultureInfo.CurrentCulture;
        try
        {
            CultureInfo.CurrentCulture = CultureInfo.GetCultureInfo("de-DE");
            ((BFloat16)1.5f).ToString().ShouldBe("1.5");
            ((BFloat16)1.5f).ToString("F2", CultureInfo.InvariantCulture).ShouldBe("1.50");
        }
        finally
        {
            CultureInfo.CurrentCulture = previous;
        }
    }
}
