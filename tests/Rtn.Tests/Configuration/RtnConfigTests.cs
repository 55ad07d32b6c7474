namespace Rtn.Tests.Configuration;

/// <summary>Bits, group size, codes and the vLLM-style text of a configuration.</summary>
public class RtnConfigTests
{
    [Theory]
    [InlineData(4, 128, -8, 7)]
    [InlineData(8, 128, -128, 127)]
    [InlineData(4, -1, -8, 7)]
    [InlineData(8, 1, -128, 127)]
    public void Constructor_SupportedValues_GivesCodeRange(int bits, int groupSize, int minCode, int maxCode)
    {
        var config = new RtnConfig(bits, groupSize);

        config.Bits.ShouldBe(bits);
        config.GroupSize.ShouldBe(groupSize);
        config.MinCode.ShouldBe(minCode);
        config.MaxCode.ShouldBe(maxCode);
    }

    [Theory]
    [InlineData(3)]
    [InlineData(16)]
    [InlineData(0)]
    [InlineData(-4)]
    public void Constructor_UnsupportedBits_IsRejectedNamingTheValue(int bits)
    {
        var error = Should.Throw<ArgumentOutOfRangeException>(() => new RtnConfig(bits, 128));

        error.ParamName.ShouldBe("bits");
        error.Message.ShouldContain($"got {bits} bits");
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-2)]
    [InlineData(int.MinValue)]
    public void Constructor_UnsupportedGroupSize_IsRejectedNamingTheValue(int groupSize)
    {
        var error = Should.Throw<ArgumentOutOfRangeException>(() => new RtnConfig(4, groupSize));

        error.ParamName.ShouldBe("groupSize");
        error.Message.ShouldContain($"got {groupSize}");
    }

    [Theory]
    [InlineData(4, 128, "RtnConfig(weight_bits=4, group_size=128)")]
    [InlineData(8, -1, "RtnConfig(weight_bits=8, group_size=-1)")]
    public void ToString_AnyConfig_IsVllmRepresentation(int bits, int groupSize, string expected) =>
        new RtnConfig(bits, groupSize).ToString().ShouldBe(expected);

    [Fact]
    public void MethodName_IsRtn() => RtnConfig.MethodName.ShouldBe("rtn");

    [Fact]
    public void GroupSizeFor_PerRow_IsTheColumnCount()
    {
        new RtnConfig(8, RtnConfig.PerRow).GroupSizeFor(4096).ShouldBe(4096);
        new RtnConfig(8, 64).GroupSizeFor(4096).ShouldBe(64);
    }

    [Fact]
    public void Equality_SameBitsAndGroupSize_IsEqual()
    {
        new RtnConfig(4, 64).ShouldBe(new RtnConfig(4, 64));
        new RtnConfig(4, 64).ShouldNotBe(new RtnConfig(8, 64));
        new RtnConfig(4, 64).ShouldNotBe(new RtnConfig(4, -1));
    }
}
