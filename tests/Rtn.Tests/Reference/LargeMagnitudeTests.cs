namespace Rtn.Tests.Reference;

/// <summary>
/// The reference keeps the contract's arithmetic for groups near the top of each type's range
/// (docs/rtn-spec.md, Edge cases): fp16 keeps a finite scale above 32752, fp32 overflows at 2¹²⁷.
/// </summary>
public class LargeMagnitudeTests
{
    [Fact]
    public void Quantize_Half_MaxAbove32752_KeepsAFiniteScale()
    {
        // m = 32768: vLLM's 2m in fp16 is infinite, but fp32(2m) = 65536 and
        // 65536 · fp32(1/15) = 4369.0667, which rounds to fp16 (spacing 4 in [4096, 8192)) as 4368.
        // 32768 / 4368 = 7.5018 → 7.5 in fp16 → clamped to 7; -32768 / 4368 → -7.5 → -8 (tie to even).
        // 4368 / 4368 = 1. The second row is a zero group.
        var quantized = Quantized.Of<Half>([32768, -32768, 4368, 0, 0, 0, 0, 0], WeightShape.Matrix(2, 4), new RtnConfig(4, 4));

        quantized.Scales.ShouldBe([4368f, 0f]);
        quantized.Codes.ShouldBe([7, -8, 1, 0, 0, 0, 0, 0]);
        quantized.Dequantized.ShouldBe([30576f, -34944f, 4368f, 0f, 0f, 0f, 0f, 0f]);
    }

    [Fact]
    public void Quantize_Half_JustAbove32752_AlsoKeepsAFiniteScale()
    {
        // m = 32768 is the first fp16 above 32752 (spacing 32 in [32768, 65536) and 16 below);
        // m = 40000 → fp32(2m) = 80000, · fp32(1/15) = 5333.33 → fp16 5332 (spacing 4).
        var quantized = Quantized.Of<Half>([40000, -1000, 2, 2], WeightShape.Matrix(2, 2), new RtnConfig(4, 2));

        quantized.Scales[0].ShouldBe(5332f);
        float.IsFinite(quantized.Dequantized[0]).ShouldBeTrue();
    }

    [Theory]
    [InlineData(ElementKind.Single)]
    [InlineData(ElementKind.BFloat16)]
    public void Quantize_MaxOf2To127_GivesAnInfiniteScaleAndNaNWeights(ElementKind kind)
    {
        // fp32(2 · 2^127) = +inf, so s = inf, every x / s = 0 and every q · s = 0 · inf = NaN.
        var m = MathF.ScaleB(1, 127);

        var quantized = Quantized.Of(kind, [m, -1], WeightShape.Matrix(1, 2), new RtnConfig(8, 2));

        quantized.Scales.ShouldBe([float.PositiveInfinity]);
        quantized.Codes.ShouldBe([0, 0]);
        quantized.Dequantized.ShouldAllBe(value => float.IsNaN(value));
    }

    [Fact]
    public void Quantize_Single_LargestBelow2To127_StaysFinite()
    {
        var m = MathF.ScaleB(1, 127) - MathF.ScaleB(1, 103);

        var quantized = Quantized.Of<float>([m, -m], WeightShape.Matrix(1, 2), new RtnConfig(8, 2));

        float.IsFinite(quantized.Scales[0]).ShouldBeTrue();
        quantized.Dequantized.ShouldAllBe(value => float.IsFinite(value));
    }
}
