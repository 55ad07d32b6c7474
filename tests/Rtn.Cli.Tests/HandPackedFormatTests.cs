using Rtn.Safetensors;

namespace Rtn.Cli.Tests;

/// <summary>
/// A 2×16 fp32 weight quantized at 4 bits with one group per row, packed by hand from the
/// format descriptions. Both rows have max |x| = 7.5, so s = 1 exactly (docs/rtn-spec.md,
/// worked example 4) and each code is x rounded half to even:
/// row 0 codes [7, −8, 0, 1, 2, 3, 4, 5, 6, 7, −1, −2, −3, −4, −5, −6],
/// row 1 codes [−8, 2, 4, 0, 0, 2, −2, 7, 0, 0, 0, 0, 0, 0, 0, 0].
/// </summary>
public class HandPackedFormatTests
{
    private static readonly float[] Values =
    [
        7.5f, -7.5f, 0, 1, 2, 3, 4, 5, 6, 7, -1, -2, -3, -4, -5, -6,
        -7.5f, 2.5f, 3.5f, -0.5f, 0.5f, 1.5f, -1.5f, 7, 0, 0, 0, 0, 0, 0, 0, 0,
    ];

    // u = q + 8, element j at bits 4·(j mod 8) of word j / 8 (lowest index in the lowest bits).
    // Row 0: u = [15, 0, 8, 9, 10, 11, 12, 13 | 14, 15, 7, 6, 5, 4, 3, 2];
    // row 1: u = [0, 10, 12, 8, 8, 10, 6, 15 | 8, 8, 8, 8, 8, 8, 8, 8].
    private static readonly uint[] Words = [0xDCBA980F, 0x234567FE, 0xF6A88CA0, 0x88888888];

    [Fact]
    public void CompressedTensors_TwoBySixteen_MatchesHandPackedWordsScalesAndShape()
    {
        using var temp = new TempFolder();
        using var output = Quantize(temp, Values, 16, "compressed-tensors");

        var packed = output["layer.weight_packed"];
        packed.DType.ShouldBe(SafetensorsDType.I32);
        packed.Shape.ToArray().ShouldBe([2L, 2L]);
        output.GetValues<int>(packed).ToArray().ShouldBe(Words.Select(w => unchecked((int)w)).ToArray());
        var scale = output["layer.weight_scale"];
        scale.DType.ShouldBe(SafetensorsDType.F32);
        scale.Shape.ToArray().ShouldBe([2L, 1L]);
        output.GetValues<float>(scale).ToArray().ShouldBe([1f, 1f]);
        var shape = output["layer.weight_shape"];
        shape.DType.ShouldBe(SafetensorsDType.I64);
        output.GetValues<long>(shape).ToArray().ShouldBe([2L, 16L]);
        output.TryGetTensor("layer.weight", out _).ShouldBeFalse();
    }

    /// <summary>MLX's smallest group is 32, so each row gets 16 zeros more (code 0, stored 8): two more words of 0x88888888.</summary>
    [Fact]
    public void Mlx_TwoBySixteenPaddedToThirtyTwo_MatchesHandPackedWordsScalesAndBiases()
    {
        using var temp = new TempFolder();
        float[] values = [.. Values[..16], .. new float[16], .. Values[16..], .. new float[16]];
        using var output = Quantize(temp, values, 32, "mlx");

        var weight = output["layer.weight"];
        weight.DType.ShouldBe(SafetensorsDType.U32);
        weight.Shape.ToArray().ShouldBe([2L, 4L]);
        output.GetValues<uint>(weight).ToArray().ShouldBe([Words[0], Words[1], 0x88888888, 0x88888888, Words[2], Words[3], 0x88888888, 0x88888888]);
        output.GetValues<float>(output["layer.scales"]).ToArray().ShouldBe([1f, 1f]);
        output["layer.biases"].Shape.ToArray().ShouldBe([2L, 1L]);
        output.GetValues<float>(output["layer.biases"]).ToArray().ShouldBe([-8f, -8f]);
    }

    [Theory]
    [InlineData("signed", new byte[] { 0x87, 0x10, 0x32, 0x54, 0x76, 0xEF, 0xCD, 0xAB, 0x28, 0x04, 0x20, 0x7E, 0x00, 0x00, 0x00, 0x00 })]
    [InlineData("offset", new byte[] { 0x0F, 0x98, 0xBA, 0xDC, 0xFE, 0x67, 0x45, 0x23, 0xA0, 0x8C, 0xA8, 0xF6, 0x88, 0x88, 0x88, 0x88 })]
    public void Rtn_TwoBySixteen_MatchesHandPackedBytes(string format, byte[] bytes)
    {
        using var temp = new TempFolder();
        using var output = Quantize(temp, Values, 16, "rtn", "--format", format);

        var weight = output["layer.weight"];
        weight.Shape.ToArray().ShouldBe([1L, 16L]);
        output.GetBytes(weight).ToArray().ShouldBe(bytes);
        output.GetValues<float>(output["layer.scale"]).ToArray().ShouldBe([1f, 1f]);
    }

    private static SafetensorsFile Quantize(TempFolder temp, float[] values, int columns, string saveFormat, params string[] extra)
    {
        TestModels.WriteFile(temp["model.safetensors"], [new TestTensor("layer.weight", SafetensorsDType.F32, [2, columns], values)]);
        ToolRun.Of(["quantize", temp["model.safetensors"], "-o", temp["q.safetensors"], "-b", "4", "-g", $"{columns}", "--save-format", saveFormat, .. extra]).ShouldSucceed();
        return SafetensorsFile.Open(temp["q.safetensors"]);
    }
}
