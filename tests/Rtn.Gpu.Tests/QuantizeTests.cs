using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace Rtn.Gpu.Tests;

public sealed class QuantizeTests(CpuAcceleratorFixture fixture) : IClassFixture<CpuAcceleratorFixture>
{
    [Property(MaxTest = 200)]
    public Property Quantize_Float_GivesReferenceBytesAndScales() =>
        Prop.ForAll(WeightCases.Weights(ElementKind.Float), Check<float>);

    [Property(MaxTest = 200)]
    public Property Quantize_Half_GivesReferenceBytesAndScales() =>
        Prop.ForAll(WeightCases.Weights(ElementKind.Half), Check<Half>);

    [Property(MaxTest = 200)]
    public Property Quantize_BFloat16_GivesReferenceBytesAndScales() =>
        Prop.ForAll(WeightCases.Weights(ElementKind.BFloat16), Check<BFloat16>);

    [Theory]
    [InlineData(4, 8, RtnFormat.Signed)]
    [InlineData(4, 8, RtnFormat.Offset)]
    [InlineData(8, 8, RtnFormat.Signed)]
    [InlineData(8, 8, RtnFormat.Offset)]
    public void Quantize_TiesAfterScale_RoundToEven(int bits, int groupSize, RtnFormat format)
    {
        // With m = 7.5 (4 bits) the scale is fp32(15 · fp32(1/15)) = 1, so x/s is x itself and
        // 2.5, 3.5, -2.5 and 0.5 are exact ties; at 8 bits m = 127.5 does the same.
        var max = bits == 4 ? 7.5f : 127.5f;
        float[] weights = [max, 2.5f, 3.5f, -2.5f, 0.5f, -0.5f, 1.5f, -max, 0f, 0f, 0f, 0f, 0f, 0f, 0f, 0f];
        var config = new RtnConfig(bits, groupSize);
        var expected = RtnReference.Quantize<float>(weights, WeightShape.Matrix(2, 8), config, format);
        var packed = new byte[expected.Packed.Length];
        var scales = new float[2];

        fixture.Accelerator.KernelsFor(config).Quantize<float>(weights, 2, 8, packed, scales, format, default);

        packed.ShouldBe(expected.Packed);
        scales.ShouldHaveSameBits(expected.Scales);
        RtnReference.UnpackCodes(packed, bits, format)[..8].ShouldBe(
            bits == 4 ? [7, 2, 4, -2, 0, 0, 2, -8] : [127, 2, 4, -2, 0, 0, 2, -128]);
    }

    [Fact]
    public void Quantize_ZeroGroup_GivesZeroScaleAndZeroCodes()
    {
        var weights = new Half[16];
        var packed = new byte[8];
        var scales = new Half[2];

        fixture.Accelerator.KernelsFor(new RtnConfig(4, 8)).Quantize<Half>(weights, 2, 8, packed, scales, RtnFormat.Signed, default);

        packed.ShouldAllBe(b => b == 0);
        scales.ShouldAllBe(s => s == Half.Zero);
    }

    [Theory]
    [InlineData(float.NaN, 8)]
    [InlineData(float.PositiveInfinity, 8)]
    [InlineData(float.NegativeInfinity, 3)]
    public void Quantize_NonFiniteValue_ThrowsNamingPosition(float bad, int groupSize)
    {
        var weights = new float[4 * 24];
        weights[(2 * 24) + 5] = bad;
        weights[(3 * 24) + 7] = bad;
        var kernels = fixture.Accelerator.KernelsFor(new RtnConfig(4, groupSize));

        var error = Should.Throw<ArgumentException>(() =>
            kernels.Quantize<float>(weights, 4, 24, new byte[48], new float[4 * 24 / groupSize], RtnFormat.Signed, default));

        error.Message.ShouldContain("[2, 5]");
        error.Message.ShouldContain("[4, 24]");
    }

    [Fact]
    public void Quantize_SpanOfWrongLength_ThrowsNamingIt()
    {
        var kernels = fixture.Accelerator.KernelsFor(new RtnConfig(8, 4));

        var error = Should.Throw<ArgumentException>(() =>
            kernels.Quantize<float>(new float[16], 2, 8, new byte[16], new float[3], RtnFormat.Signed, default));

        error.ParamName.ShouldBe("scales");
    }

    private void Check<T>(WeightCase c)
        where T : unmanaged
    {
        var weights = c.ValuesAs<T>();
        var expected = RtnReference.Quantize<T>(weights, c.Shape, c.Config, c.Format);
        var packed = new byte[expected.Packed.Length];
        var scales = new T[expected.Scales.Length];

        fixture.Accelerator.KernelsFor(c.Config).Quantize<T>(weights, c.Rows, c.Columns, packed, scales, c.Format, default);

        packed.ShouldBe(expected.Packed);
        scales.ShouldHaveSameBits(expected.Scales);
    }
}
