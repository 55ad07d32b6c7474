using FsCheck.Xunit;

namespace Rtn.Consumer.Tests;

/// <summary>Kernels generated in this project give the reference's bytes, on small random matrices.</summary>
public class ReferenceAgreementTests
{
    private static readonly RtnConfig Q4G96 = new(4, 96);
    private static readonly RtnConfig Q8G48 = new(8, 48);

    [Property(MaxTest = 200)]
    public void Quantize_Q4G96_GivesReferenceBytes(int seed, byte rowPairs, bool twoGroups, bool offset)
    {
        var shape = WeightShape.Matrix(2 * (1 + (rowPairs % 3)), Q4G96.GroupSize * (twoGroups ? 2 : 1));
        var weights = RandomWeights.GroupMagnitudes<float>(seed, shape.ElementCount, Q4G96.GroupSize);
        var format = offset ? RtnFormat.Offset : RtnFormat.Signed;
        var expected = RtnReference.Quantize<float>(weights, shape, Q4G96, format);
        var packed = new byte[expected.Packed.Length];
        var scales = new float[expected.Scales.Length];

        RtnKernels<Bits4, G96>.Quantize<float>(weights, shape.Rows, shape.Columns, packed, scales, format);

        packed.ShouldBe(expected.Packed);
        scales.ShouldHaveSameBits(expected.Scales);
    }

    [Property(MaxTest = 200)]
    public void Dequantize_Q4G96_GivesReferenceValues(int seed, byte rowPairs, bool twoGroups, bool offset)
    {
        var shape = WeightShape.Matrix(2 * (1 + (rowPairs % 3)), Q4G96.GroupSize * (twoGroups ? 2 : 1));
        var weights = RandomWeights.GroupMagnitudes<Half>(seed, shape.ElementCount, Q4G96.GroupSize);
        var quantized = RtnReference.Quantize<Half>(weights, shape, Q4G96, offset ? RtnFormat.Offset : RtnFormat.Signed);
        var dequantized = new Half[shape.ElementCount];

        RtnKernels<Bits4, G96>.Dequantize<Half>(quantized.Packed, quantized.Scales, shape.Rows, shape.Columns, dequantized, quantized.Format);

        dequantized.ShouldHaveSameBits(RtnReference.Dequantize(quantized));
    }

    [Property(MaxTest = 200)]
    public void Quantize_Q8G48_GivesReferenceBytes(int seed, byte rows, byte groups, bool offset)
    {
        var shape = WeightShape.Matrix(1 + (rows % 4), Q8G48.GroupSize * (1 + (groups % 3)));
        var weights = RandomWeights.GroupMagnitudes<BFloat16>(seed, shape.ElementCount, Q8G48.GroupSize);
        var format = offset ? RtnFormat.Offset : RtnFormat.Signed;
        var expected = RtnReference.Quantize<BFloat16>(weights, shape, Q8G48, format);
        var packed = new byte[expected.Packed.Length];
        var scales = new BFloat16[expected.Scales.Length];

        RtnKernels.For(Q8G48).Quantize<BFloat16>(weights, shape.Rows, shape.Columns, packed, scales, format, default);

        packed.ShouldBe(expected.Packed);
        scales.ShouldHaveSameBits(expected.Scales);
    }

    [Property(MaxTest = 200)]
    public void Dequantize_Q8G48_GivesReferenceValues(int seed, byte rows, byte groups, bool offset)
    {
        var shape = WeightShape.Matrix(1 + (rows % 4), Q8G48.GroupSize * (1 + (groups % 3)));
        var weights = RandomWeights.GroupMagnitudes<float>(seed, shape.ElementCount, Q8G48.GroupSize);
        var quantized = RtnReference.Quantize<float>(weights, shape, Q8G48, offset ? RtnFormat.Offset : RtnFormat.Signed);
        var dequantized = new float[shape.ElementCount];

        RtnKernels.For(Q8G48).Dequantize<float>(quantized.Packed, quantized.Scales, shape.Rows, shape.Columns, dequantized, quantized.Format, default);

        dequantized.ShouldHaveSameBits(RtnReference.Dequantize(quantized));
    }
}
