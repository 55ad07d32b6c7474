namespace Rtn.Tests.Configuration;

/// <summary>vLLM's defaults: RTN_NUM_BITS (8) and RTN_GROUP_SIZE (128).</summary>
public class RtnConfigEnvironmentTests
{
    private static Func<string, string?> Environment(string? bits, string? groupSize) =>
        name => name switch
        {
            "RTN_NUM_BITS" => bits,
            "RTN_GROUP_SIZE" => groupSize,
            _ => throw new InvalidOperationException($"unexpected variable {name}"),
        };

    [Fact]
    public void FromEnvironment_NothingSet_IsEightBitsGroupsOf128()
    {
        var config = RtnConfig.FromEnvironment(Environment(null, null));

        config.ShouldBe(new RtnConfig(8, 128));
    }

    [Fact]
    public void FromEnvironment_EmptyValues_AreTreatedAsUnset() =>
        RtnConfig.FromEnvironment(Environment("", "  ")).ShouldBe(new RtnConfig(8, 128));

    [Theory]
    [InlineData("4", "64", 4, 64)]
    [InlineData(" 4 ", "-1", 4, -1)]
    [InlineData("8", "+32", 8, 32)]
    public void FromEnvironment_BothSet_UsesThem(string bits, string groupSize, int expectedBits, int expectedGroupSize) =>
        RtnConfig.FromEnvironment(Environment(bits, groupSize)).ShouldBe(new RtnConfig(expectedBits, expectedGroupSize));

    [Fact]
    public void FromEnvironment_OnlyGroupSizeSet_KeepsDefaultBits() =>
        RtnConfig.FromEnvironment(Environment(null, "32")).ShouldBe(new RtnConfig(8, 32));

    [Theory]
    [InlineData("four")]
    [InlineData("4.0")]
    [InlineData("0x4")]
    [InlineData("3")]
    [InlineData("16")]
    public void FromEnvironment_BadBits_IsRejectedNamingTheVariable(string bits)
    {
        var error = Should.Throw<FormatException>(() => RtnConfig.FromEnvironment(Environment(bits, null)));

        error.Message.ShouldContain("RTN_NUM_BITS");
        error.Message.ShouldContain($"\"{bits}\"");
    }

    [Theory]
    [InlineData("128k")]
    [InlineData("99999999999")]
    [InlineData("0")]
    [InlineData("-2")]
    public void FromEnvironment_BadGroupSize_IsRejectedNamingTheVariable(string groupSize)
    {
        var error = Should.Throw<FormatException>(() => RtnConfig.FromEnvironment(Environment("4", groupSize)));

        error.Message.ShouldContain("RTN_GROUP_SIZE");
        error.Message.ShouldContain($"\"{groupSize}\"");
    }

    [Fact]
    public void FromEnvironment_NullLookup_IsRejected() =>
        Should.Throw<ArgumentNullException>(() => RtnConfig.FromEnvironment(null!));
}
