namespace Rtn.Tests;

public class SmokeTests
{
    [Fact]
    public void Quantize_Int4Row_MatchesReference()
    {
        float[] weights = [0.5f, -1f, 0.25f, 2f, -3f, 1.5f, 0f, 0.75f];
        var config = new RtnConfig(4, -1);
        var expected = RtnReference.Quantize<float>(weights, WeightShape.Matrix(2, 4), config);
        var packed = new byte[4];
        var scales = new float[2];
        RtnKernels.For(config).Quantize<float>(weights, 2, 4, packed, scales, RtnFormat.Signed, default);
        packed.ShouldBe(expected.Packed);
        scales.ShouldBe(expected.Scales);
    }
}
