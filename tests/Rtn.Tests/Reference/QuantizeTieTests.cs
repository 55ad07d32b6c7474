namespace Rtn.Tests.Reference;

/// <summary>
/// The spec's tie examples, on groups built so that the quotients hit the ties exactly.
///
/// 4 bits, m = 7.5: 2m = 15 exactly; fp32(1/15) = 8947849·2^-27 (0x3D888889), and
/// 15 · 8947849·2^-27 = (2^27 + 7)·2^-27 = 1 + 7·2^-27 ≈ 1 + 5.2e-8, less than half an ulp of 1
/// (2^-24 ≈ 5.96e-8), so s = 1 exactly, in every element type, and each quotient x / s is x.
///
/// 8 bits, m = 127.5: 2m = 255; fp32(1/255) = 8421505·2^-31 (0x3B808081), and
/// 255 · 8421505·2^-31 = (2^31 + 127)·2^-31 = 1 + 127·2^-31, again under half an ulp of 1
/// (128·2^-31), so s = 1.
/// </summary>
public class QuantizeTieTests
{
    // Row 0 is one 4-bit group with m = 7.5 (s = 1); row 1 is its negation.
    private static readonly float[] FourBitTies = [7.5f, -7.5f, 2.5f, 3.5f, -7.5f, 7.5f, -2.5f, -3.5f];

    // One 8-bit row with m = 127.5 (s = 1), and the small ties on either side of zero.
    private static readonly float[] EightBitTies = [127.5f, -127.5f, 2.5f, 3.5f, 0.5f, -0.5f, 1.5f, -1.5f];

    private static Quantized FourBit(ElementKind kind) =>
        Quantized.Of(kind, FourBitTies, WeightShape.Matrix(2, 4), new RtnConfig(4, 4));

    private static Quantized EightBit(ElementKind kind) =>
        Quantized.Of(kind, EightBitTies, WeightShape.Matrix(1, 8), new RtnConfig(8, RtnConfig.PerRow));

    [Theory]
    [InlineData(ElementKind.Single)]
    [InlineData(ElementKind.Half)]
    [InlineData(ElementKind.BFloat16)]
    public void Quantize_GroupWithMaximumSevenAndAHalf_HasScaleExactlyOne(ElementKind kind) =>
        FourBit(kind).Scales.ShouldBe([1f, 1f]);

    [Theory]
    [InlineData(ElementKind.Single)]
    [InlineData(ElementKind.Half)]
    [InlineData(ElementKind.BFloat16)]
    public void Quantize_TieAtSevenAndAHalf_RoundsToSeven(ElementKind kind)
    {
        // 7.5 is clamped to qmax = 7 before rounding; on its own it would round to 8, which no nibble holds.
        var codes = FourBit(kind).Codes;
        codes[0].ShouldBe((sbyte)7);
        codes[5].ShouldBe((sbyte)7);
    }

    [Theory]
    [InlineData(ElementKind.Single)]
    [InlineData(ElementKind.Half)]
    [InlineData(ElementKind.BFloat16)]
    public void Quantize_TieAtMinusSevenAndAHalf_RoundsToMinusEight(ElementKind kind)
    {
        // -7.5 is inside [-8, 7], so the clamp leaves it and ties to even picks -8.
        var codes = FourBit(kind).Codes;
        codes[1].ShouldBe((sbyte)-8);
        codes[4].ShouldBe((sbyte)-8);
    }

    [Theory]
    [InlineData(ElementKind.Single)]
    [InlineData(ElementKind.Half)]
    [InlineData(ElementKind.BFloat16)]
    public void Quantize_TieAtTwoAndAHalf_RoundsToTwo(ElementKind kind)
    {
        var codes = FourBit(kind).Codes;
        codes[2].ShouldBe((sbyte)2);
        codes[6].ShouldBe((sbyte)-2);
    }

    [Theory]
    [InlineData(ElementKind.Single)]
    [InlineData(ElementKind.Half)]
    [InlineData(ElementKind.BFloat16)]
    public void Quantize_TieAtThreeAndAHalf_RoundsToFour(ElementKind kind)
    {
        var codes = FourBit(kind).Codes;
        codes[3].ShouldBe((sbyte)4);
        codes[7].ShouldBe((sbyte)-4);
    }

    [Theory]
    [InlineData(ElementKind.Single)]
    [InlineData(ElementKind.Half)]
    [InlineData(ElementKind.BFloat16)]
    public void Quantize8Bit_TiesAtEdgesAndNearZero_RoundToEvenAfterClamp(ElementKind kind)
    {
        var quantized = EightBit(kind);
        quantized.Scales.ShouldBe([1f]);

        // 127.5 → clamp → 127; -127.5 → -128 (even); 2.5 → 2; 3.5 → 4; ±0.5 → 0; ±1.5 → ±2.
        quantized.Codes.ShouldBe([127, -128, 2, 4, 0, 0, 2, -2]);
    }
}
