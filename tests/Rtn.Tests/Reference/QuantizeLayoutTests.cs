namespace Rtn.Tests.Reference;

/// <summary>Which values share a scale: groups along a row, per-row groups, zero groups, stacks.</summary>
public class QuantizeLayoutTests
{
    [Theory]
    [InlineData(ElementKind.Single)]
    [InlineData(ElementKind.Half)]
    [InlineData(ElementKind.BFloat16)]
    public void Quantize_ZeroGroup_GivesZeroScaleZeroCodesAndZeroWeights(ElementKind kind)
    {
        // Groups of 2 in a 4-bit [2, 4]: [0, -0] and [0, 0] are zero groups (0 / 0 in vLLM);
        // [7.5, 3.5] and [-1, 7.5] have m = 7.5, so s = 1 (QuantizeTieTests), and codes
        // 7 (clamped), 4 (tie to even), -1, 7.
        float[] values = [0, -0f, 7.5f, 3.5f, 0, 0, -1, 7.5f];

        var quantized = Quantized.Of(kind, values, WeightShape.Matrix(2, 4), new RtnConfig(4, 2));

        quantized.Scales.ShouldBe([0f, 1f, 0f, 1f]);
        quantized.Codes.ShouldBe([0, 0, 7, 4, 0, 0, -1, 7]);
        quantized.Dequantized.ShouldBe([0f, 0f, 7f, 4f, 0f, 0f, -1f, 7f]);
    }

    [Fact]
    public void Quantize_PerRowGroup_GivesOneScalePerRow()
    {
        // Group size -1 makes each 8-value row one group. Row 0 has m = 127.5, so s = 1
        // (QuantizeTieTests); row 1 is row 0 times 2, so m = 255 and
        // s = fp32(510 · 8421505·2^-31) = fp32(2 + 254·2^-31) = 2, since half an ulp of 2 is 256·2^-31.
        // Both rows then divide to the same quotients: 127.5 → 127, -127.5 → -128, 64.25 → 64,
        // 2.5 → 2, 3.5 → 4.
        float[] row = [127.5f, -1f, 2.5f, 100f, -127.5f, 0f, 3.5f, 64.25f];
        float[] values = [.. row, .. row.Select(x => 2 * x)];

        var quantized = Quantized.Of<float>(values, WeightShape.Matrix(2, 8), new RtnConfig(8, RtnConfig.PerRow));

        quantized.Scales.ShouldBe([1f, 2f]);
        quantized.ScaleShape.ShouldBe([2L, 1L]);
        quantized.Codes.ShouldBe([127, -1, 2, 100, -128, 0, 4, 64, 127, -1, 2, 100, -128, 0, 4, 64]);
    }

    [Fact]
    public void Quantize_Stack_QuantizesEachExpertWithVllmShapes()
    {
        // [E, R, C] = [2, 2, 4] at 4 bits, groups of 2. Expert 1 is expert 0 times 4, so every
        // scale is 4 times larger and every code the same. Each group is a pair of the tie values
        // with m = 7.5 (s = 1), or m = 3.5: 7 · 8947849·2^-27 = 15658735.75·2^-25 rounds to
        // s = 15658736·2^-25 = 0.4666667 (0x3EEEEEF0); 3.5 / s = 7.4999995 → 7, 2.5 / s = 5.357 → 5
        // and -1 / s = -2.143 → -2.
        float[] expert = [7.5f, -7.5f, 2.5f, 3.5f, -1f, 3.5f, 0f, 0f];
        float[] values = [.. expert, .. expert.Select(x => 4 * x)];

        var quantized = Quantized.Of<float>(values, WeightShape.Stack(2, 2, 4), new RtnConfig(4, 2));

        quantized.PackedShape.ShouldBe([2L, 1L, 4L]);
        quantized.ScaleShape.ShouldBe([2L, 2L, 2L]);
        quantized.Packed.Length.ShouldBe(8);
        var s = quantized.Scales[1];
        BitConverter.SingleToUInt32Bits(s).ShouldBe(0x3EEEEEF0u);
        quantized.Scales.ShouldBe([1f, s, s, 0f, 4f, 4 * s, 4 * s, 0f]);
        quantized.Codes.ShouldBe([7, -8, 5, 7, -2, 7, 0, 0, 7, -8, 5, 7, -2, 7, 0, 0]);
    }
}
