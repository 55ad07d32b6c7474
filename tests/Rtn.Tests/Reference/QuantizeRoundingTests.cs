namespace Rtn.Tests.Reference;

/// <summary>
/// Where the spec's order of roundings decides a code: the quotient rounded to T before it is
/// rounded to an integer, the scale computed with fp32(1/(Q-1)) rather than a division, and a
/// scale that underflows to zero. Each example was found by a search over representable
/// values and is worked out by hand below. fp32(1/15) = 8947849·2^-27 (0x3D888889) and
/// fp32(1/255) = 8421505·2^-31 (0x3B808081) throughout.
/// </summary>
public class QuantizeRoundingTests
{
    [Fact]
    public void Quantize_HalfQuotientRoundedToHalf_MovesCodesAcrossTies()
    {
        // One 4-bit group with m = 1; the second row is zeros.
        // s = Half(2 · 8947849·2^-27) = Half(0.13333334): Half's ulp in [2^-3, 2^-2) is 2^-13, and
        // 0.13333334 · 2^13 = 1092.27, so s = 1092·2^-13 = 273/2048 = 0.13330078125.
        // Every x is a multiple of 1/2048, so x / s = (2048·x) / 273:
        //   x = 1229/2048 (Half(0.6)): 1229/273 =  4.50183 → Half  4.5    (ulp 2^-8, 0.00183 away) → tie →  4; fp32 alone:  5
        //   x = 1501/2048:             1501/273 =  5.49817 → Half  5.5                          → tie →  6; fp32 alone:  5
        //   x = -2047/2048:           -2047/273 = -7.49817 → Half -7.5                          → tie → -8; fp32 alone: -7
        //   x = 1:                     2048/273 =  7.50183 → Half  7.5 → clamp → 7 (fp32 alone: clamp → 7)
        float[] values = [1f, 1229f / 2048, 1501f / 2048, -2047f / 2048, 0, 0, 0, 0];

        var quantized = Quantized.Of<Half>(values, WeightShape.Matrix(2, 4), new RtnConfig(4, 4));

        quantized.Scales.ShouldBe([273f / 2048, 0f]);
        quantized.Codes.ShouldBe([7, 4, 6, -8, 0, 0, 0, 0]);
    }

    [Fact]
    public void Quantize_BFloat16QuotientRoundedToBFloat16_MovesCodesAcrossTies()
    {
        // One 4-bit group with m = 1; the second row is zeros.
        // s = BF16(0.13333334): bf16's ulp in [2^-3, 2^-2) is 2^-10, and 0.13333334 · 2^10 = 136.53,
        // so s = 137/1024 = 0.1337890625. Every x is a multiple of 1/1024, so x / s = (1024·x) / 137:
        //   x = 205/1024:  205/137 =  1.49635 → bf16  1.5     (ulp 2^-7, 0.00365 away)  → tie →  2; fp32 alone:  1
        //   x = 752/1024:  752/137 =  5.48905 → bf16  5.5     (ulp 2^-5, 0.01095 away)  → tie →  6; fp32 alone:  5
        //   x = -892/1024: -892/137 = -6.51095 → bf16 -6.5                              → tie → -6; fp32 alone: -7
        //   x = 1:        1024/137 =  7.47445 → bf16  7.46875 (nearer than 7.5)        →  7
        float[] values = [1f, 205f / 1024, 752f / 1024, -892f / 1024, 0, 0, 0, 0];

        var quantized = Quantized.Of<BFloat16>(values, WeightShape.Matrix(2, 4), new RtnConfig(4, 4));

        quantized.Scales.ShouldBe([137f / 1024, 0f]);
        quantized.Codes.ShouldBe([7, 2, 6, -6, 0, 0, 0, 0]);
    }

    [Fact]
    public void Quantize_ScaleFromReciprocal_DiffersFromDivisionAndChangesCodes()
    {
        // 4 bits, fp32, m = 3, so 2m = 6:
        //   6 · 8947849·2^-27 = 53687094·2^-27 = 13421773.5·2^-25, exactly halfway between
        //   0x3ECCCCCD (13421773·2^-25) and 0x3ECCCCCE (13421774·2^-25); ties to even gives
        //   s = 0x3ECCCCCE = 0.40000004. The true division 6 / 15 = 0.4 rounds to 0x3ECCCCCD.
        // With s = 13421774·2^-25 (division's scale in brackets):
        //   -3   → -3·2^25 / 13421774 = -7.4999993 → fp32 -7.4999995 → -7  [-7.4999999 → fp32 -7.5 → tie → -8]
        //   0.6f = 10066330·2^-24 → 20132660 / 13421774 = 1.4999999 → 1   [1.5 → tie → 2]
        //   1.4f = 11744051·2^-23 → 46976204 / 13421774 = 3.4999996 → 3   [3.5 → tie → 4]
        float[] values = [-3f, 0.6f, 1.4f, 0f, 0, 0, 0, 0];

        var quantized = Quantized.Of<float>(values, WeightShape.Matrix(2, 4), new RtnConfig(4, 4));

        BitConverter.SingleToUInt32Bits(quantized.Scales[0]).ShouldBe(0x3ECCCCCEu);
        BitConverter.SingleToUInt32Bits(6f / 15f).ShouldBe(0x3ECCCCCDu);
        quantized.Codes.ShouldBe([-7, 1, 3, 0, 0, 0, 0, 0]);
    }

    [Fact]
    public void Quantize8Bit_ScaleFromReciprocal_KeepsGroupMinimumOffMinus128()
    {
        // 8 bits, fp32, m = 3: 6 · 8421505·2^-31 = 50529030·2^-31 = 12632257.5·2^-29, halfway
        // between 0x3CC0C0C1 and 0x3CC0C0C2; ties to even gives s = 0x3CC0C0C2 (12632258·2^-29),
        // where 6 / 255 rounds to 0x3CC0C0C1.
        //   -3 → -3·2^29 / 12632258 = -127.4999874 → fp32 -127.499985 → -127
        //   (division's scale: -3·2^29 / 12632257 = -127.4999975 → fp32 -127.5 → tie → -128)
        float[] values = [-3f, 1.5f, 0f, 3f];

        var quantized = Quantized.Of<float>(values, WeightShape.Matrix(1, 4), new RtnConfig(8, RtnConfig.PerRow));

        BitConverter.SingleToUInt32Bits(quantized.Scales[0]).ShouldBe(0x3CC0C0C2u);
        BitConverter.SingleToUInt32Bits(6f / 255f).ShouldBe(0x3CC0C0C1u);
        quantized.Codes[0].ShouldBe((sbyte)-127);
        quantized.Codes[3].ShouldBe((sbyte)127);
    }

    [Fact]
    public void Quantize_HalfSubnormalGroup_ScaleUnderflowsToZeroAndCodesSaturate()
    {
        // ε = 2^-24, fp16's smallest subnormal; the subnormals are the multiples of ε.
        // Row 0: m = 3ε, s = Half(6ε · 8947849·2^-27) = Half(0.4ε) = 0, below half of ε.
        //   x / 0 is ±∞ for x ≠ 0, which the clamp takes to 7 or -8; 0 / 0 is NaN, and the
        //   zero-group rule makes that code 0. Every value dequantizes to q · 0 = 0.
        // Row 1: m = 4ε, s = Half(0.533ε) = ε, so the codes are the multiples themselves.
        const float Epsilon = 1f / (1 << 24);
        float[] values = [3 * Epsilon, -2 * Epsilon, Epsilon, 0, 4 * Epsilon, -4 * Epsilon, 2 * Epsilon, -Epsilon];

        var quantized = Quantized.Of<Half>(values, WeightShape.Matrix(2, 4), new RtnConfig(4, 4));

        quantized.Scales.ShouldBe([0f, Epsilon]);
        quantized.Codes.ShouldBe([7, -8, 7, 0, 4, -4, 2, -1]);
        quantized.Dequantized.ShouldBe([0, 0, 0, 0, 4 * Epsilon, -4 * Epsilon, 2 * Epsilon, -Epsilon]);
    }

    [Theory]
    [InlineData(ElementKind.Single)]
    [InlineData(ElementKind.BFloat16)]
    public void Quantize_SmallestSubnormalGroup_ScaleUnderflowsToZero(ElementKind kind)
    {
        // σ = 2^-149 (fp32) or 2^-133 (bf16): s = T(2σ · fp32(1/15)) = T(0.133σ) = 0.
        var sigma = kind.SmallestSubnormal();
        float[] values = [sigma, -sigma, 0, sigma];

        var quantized = Quantized.Of(kind, values, WeightShape.Matrix(2, 2), new RtnConfig(4, RtnConfig.PerRow));

        quantized.Scales.ShouldBe([0f, 0f]);
        quantized.Codes.ShouldBe([7, -8, 0, 7]);
        quantized.Dequantized.ShouldAllBe(value => value == 0);
    }
}
