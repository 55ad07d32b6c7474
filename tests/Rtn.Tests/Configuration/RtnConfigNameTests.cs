namespace Rtn.Tests.Configuration;

/// <summary>A combination's name, and the rules for bits and group size that every reader of a combination shares.</summary>
public class RtnConfigNameTests
{
    [Theory]
    [InlineData(4, 128, "Q4G128")]
    [InlineData(8, 128, "Q8G128")]
    [InlineData(4, 32, "Q4G32")]
    [InlineData(8, 1, "Q8G1")]
    [InlineData(4, RtnConfig.PerRow, "Q4Row")]
    [InlineData(8, RtnConfig.PerRow, "Q8Row")]
    public void Name_AnyCombination_IsTheSchemeTypeName(int bits, int groupSize, string expected) =>
        new RtnConfig(bits, groupSize).Name.ShouldBe(expected);

    [Theory]
    [InlineData(4, true)]
    [InlineData(8, true)]
    [InlineData(2, false)]
    [InlineData(16, false)]
    [InlineData(0, false)]
    public void IsSupportedBits_AgreesWithTheConstructor(int bits, bool supported)
    {
        RtnConfig.IsSupportedBits(bits).ShouldBe(supported);
        (Record.Exception(() => new RtnConfig(bits, 128)) is null).ShouldBe(supported);
    }

    [Theory]
    [InlineData(RtnConfig.PerRow, true)]
    [InlineData(1, true)]
    [InlineData(128, true)]
    [InlineData(0, false)]
    [InlineData(-2, false)]
    public void IsSupportedGroupSize_AgreesWithTheConstructor(int groupSize, bool supported)
    {
        RtnConfig.IsSupportedGroupSize(groupSize).ShouldBe(supported);
        (Record.Exception(() => new RtnConfig(8, groupSize)) is null).ShouldBe(supported);
    }
}
