using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace Rtn.Gpu.Tests;

public sealed class DequantizeTests(CpuAcceleratorFixture fixture) : IClassFixture<CpuAcceleratorFixture>
{
    [Property(MaxTest = 200)]
    public Property Dequantize_Float_GivesReferenceValues() =>
        Prop.ForAll(WeightCases.Weights(ElementKind.Float), Check<float>);

    [Property(MaxTest = 200)]
    public Property Dequantize_Half_GivesReferenceValues() =>
        Prop.ForAll(WeightCases.Weights(ElementKind.Half), Check<Half>);

    [Property(MaxTest = 200)]
    public Property Dequantize_BFloat16_GivesReferenceValues() =>
        Prop.ForAll(WeightCases.Weights(ElementKind.BFloat16), Check<BFloat16>);

    [Theory]
    [InlineData(RtnFormat.Signed, 0x78)]
    [InlineData(RtnFormat.Offset, 0xF0)]
    public void Dequantize_ExtremeNibbles_DecodeLowNibbleFirst(RtnFormat format, byte extremes)
    {
        // Code -8 in the low nibble, 7 in the high one: 0x78 signed, (−8+8, 7+8) = 0xF0 offset.
        byte[] packed = [extremes, extremes];
        float[] scales = [1f, 1f];
        var weights = new float[4];

        fixture.Accelerator.KernelsFor(new RtnConfig(4, 2)).Dequantize<float>(packed, scales, 2, 2, weights, format, default);

        weights.ShouldBe([-8f, 7f, -8f, 7f]);
    }

    private void Check<T>(WeightCase c)
        where T : unmanaged
    {
        var weight = RtnReference.Quantize<T>(c.ValuesAs<T>(), c.Shape, c.Config, c.Format);
        var expected = RtnReference.Dequantize(weight);
        var actual = new T[expected.Length];

        fixture.Accelerator.KernelsFor(c.Config).Dequantize<T>(weight.Packed, weight.Scales, c.Rows, c.Columns, actual, c.Format, default);

        actual.ShouldHaveSameBits(expected);
    }
}
