using System.Text.Json;

namespace Rtn.Tests.Configuration;

/// <summary>A model's quantization_config: bits and group_size required, quant_method "rtn".</summary>
public class RtnConfigQuantizationConfigTests
{
    [Theory]
    [InlineData("""{"quant_method": "rtn", "bits": 4, "group_size": 128}""", 4, 128)]
    [InlineData("""{"bits": 8, "group_size": -1}""", 8, -1)]
    [InlineData("""{"group_size": 32, "bits": 4, "other": [1, 2]}""", 4, 32)]
    public void FromQuantizationConfig_ValidObject_ReadsBitsAndGroupSize(string json, int bits, int groupSize) =>
        RtnConfig.FromQuantizationConfig(json).ShouldBe(new RtnConfig(bits, groupSize));

    [Fact]
    public void FromQuantizationConfig_JsonElement_ReadsTheSame()
    {
        using var document = JsonDocument.Parse("""{"quant_method": "rtn", "bits": 4, "group_size": 64}""");

        RtnConfig.FromQuantizationConfig(document.RootElement).ShouldBe(new RtnConfig(4, 64));
    }

    [Theory]
    [InlineData("""{"group_size": 128}""", "\"bits\"")]
    [InlineData("""{"bits": 4}""", "\"group_size\"")]
    public void FromQuantizationConfig_MissingKey_IsRejectedNamingTheKey(string json, string key)
    {
        var error = Should.Throw<FormatException>(() => RtnConfig.FromQuantizationConfig(json));

        error.Message.ShouldContain($"has no {key}");
    }

    [Theory]
    [InlineData("""{"bits": 4.5, "group_size": 128}""", "bits", "4.5")]
    [InlineData("""{"bits": 4.0, "group_size": 128}""", "bits", "4.0")]
    [InlineData("""{"bits": "4", "group_size": 128}""", "bits", "\"4\"")]
    [InlineData("""{"bits": 4, "group_size": null}""", "group_size", "null")]
    [InlineData("""{"bits": 4, "group_size": 1e2}""", "group_size", "1e2")]
    [InlineData("""{"bits": 4, "group_size": 4294967296}""", "group_size", "4294967296")]
    public void FromQuantizationConfig_NonIntegerValue_IsRejectedNamingKeyAndValue(string json, string key, string value)
    {
        var error = Should.Throw<FormatException>(() => RtnConfig.FromQuantizationConfig(json));

        error.Message.ShouldContain($"quantization_config.{key} must be an integer, but it is {value}");
    }

    [Theory]
    [InlineData("\"gptq\"")]
    [InlineData("\"RTN\"")]
    [InlineData("1")]
    public void FromQuantizationConfig_OtherMethod_IsRejectedNamingIt(string method)
    {
        var error = Should.Throw<FormatException>(() =>
            RtnConfig.FromQuantizationConfig($$"""{"quant_method": {{method}}, "bits": 4, "group_size": 128}"""));

        error.Message.ShouldContain("quant_method");
        error.Message.ShouldContain(method);
    }

    [Theory]
    [InlineData("[4, 128]", "Array")]
    [InlineData("\"rtn\"", "String")]
    public void FromQuantizationConfig_NotAnObject_IsRejected(string json, string kind) =>
        Should.Throw<FormatException>(() => RtnConfig.FromQuantizationConfig(json)).Message.ShouldContain(kind);

    [Theory]
    [InlineData("""{"bits": 3, "group_size": 128}""", "3 bits")]
    [InlineData("""{"bits": 4, "group_size": 0}""", "got 0")]
    public void FromQuantizationConfig_UnsupportedValue_IsRejectedNamingIt(string json, string text) =>
        Should.Throw<ArgumentOutOfRangeException>(() => RtnConfig.FromQuantizationConfig(json)).Message.ShouldContain(text);
}
