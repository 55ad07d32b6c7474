using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace Rtn.Tests.Reference;

/// <summary>W' = T(q · s), the product in fp32, rounded once to T.</summary>
public class DequantizeTests
{
    [Fact]
    public void Dequantize_BFloat16_RoundsEachProductToNearestEven()
    {
        // The bf16 group from QuantizeRoundingTests: s = 137/1024, codes 7, 2, 6, -6.
        //    7 · 137/1024 = 959/1024: bf16's ulp in [1/2, 1) is 4/1024, 959/4 = 239.75 → 240 → 960/1024 = 0.9375
        //    2 · 137/1024 = 274/1024: ulp in [1/4, 1/2) is 2/1024, 274/2 = 137 → exact  → 0.267578125
        //    6 · 137/1024 = 822/1024: 822/4 = 205.5, a tie → 206 (even)             → 824/1024 = 0.8046875
        //   -6 · 137/1024 → -0.8046875
        float[] values = [1f, 205f / 1024, 752f / 1024, -892f / 1024, 0, 0, 0, 0];

        var quantized = Quantized.Of<BFloat16>(values, WeightShape.Matrix(2, 4), new RtnConfig(4, 4));

        quantized.Codes.ShouldBe([7, 2, 6, -6, 0, 0, 0, 0]);
        quantized.Dequantized.ShouldBe([0.9375f, 0.267578125f, 0.8046875f, -0.8046875f, 0, 0, 0, 0]);
    }

    [Fact]
    public void Dequantize_Half_MultipliesCodesByTheHalfScale()
    {
        // The fp16 group from QuantizeRoundingTests: s = 273/2048, codes 7, 4, 6, -8; every
        // product k·273/2048 is exact in Half (273·8 = 2184 = 1092·2, ulp 2/2048 above 1).
        float[] values = [1f, 1229f / 2048, 1501f / 2048, -2047f / 2048, 0, 0, 0, 0];

        var quantized = Quantized.Of<Half>(values, WeightShape.Matrix(2, 4), new RtnConfig(4, 4));

        quantized.Dequantized.ShouldBe([1911f / 2048, 1092f / 2048, 1638f / 2048, -2184f / 2048, 0, 0, 0, 0]);
    }

    [Property(MaxTest = 300)]
    public Property Dequantize_AnyWeight_IsCodeTimesScaleRoundedToT() =>
        Prop.ForAll(WeightGen.AnyWeights(), weight => weight.Run(new ProductRoundedOnce()));

    [Property(MaxTest = 200)]
    public Property Dequantize_OffsetFormat_EqualsSignedFormat() =>
        Prop.ForAll(WeightGen.AnyWeights(), weight => weight.Run(new FormatIndependent()));

    // q·s is exact in float64 (at most 8 + 24 significant bits), so rounding it to fp32 gives
    // the fp32 product, and then to T.
    private sealed class ProductRoundedOnce : IWeightCheck
    {
        public void Check<T>(WeightCase weight, T[] values)
            where T : unmanaged
        {
            var quantized = RtnReference.Quantize<T>(values, weight.Shape, weight.Config);
            var codes = RtnReference.UnpackCodes(quantized.Packed, weight.Config.Bits, quantized.Format);
            var expected = codes
                .Select((q, i) => Precision<T>.FromSingle((float)(q * (double)Precision<T>.ToSingle(quantized.Scales[i / quantized.GroupSize]))))
                .ToArray();

            RtnReference.Dequantize(quantized).ShouldBe(expected);
        }
    }

    private sealed class FormatIndependent : IWeightCheck
    {
        public void Check<T>(WeightCase weight, T[] values)
            where T : unmanaged
        {
            var signed = RtnReference.Quantize<T>(values, weight.Shape, weight.Config, RtnFormat.Signed);
            var offset = RtnReference.Quantize<T>(values, weight.Shape, weight.Config, RtnFormat.Offset);

            RtnReference.Dequantize(offset).ShouldBe(RtnReference.Dequantize(signed));
        }
    }
}
