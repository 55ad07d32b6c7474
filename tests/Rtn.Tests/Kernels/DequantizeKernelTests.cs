using FsCheck.Xunit;

namespace Rtn.Tests.Kernels;

public class DequantizeKernelTests : KernelTests
{
    [Property(MaxTest = 250, Arbitrary = [typeof(KernelArbitraries)])]
    public void Dequantize_Float_MatchesReferenceByteForByte(KernelCase c) => DequantizeMatchesReference<float>(c);

    [Property(MaxTest = 250, Arbitrary = [typeof(KernelArbitraries)])]
    public void Dequantize_Half_MatchesReferenceByteForByte(KernelCase c) => DequantizeMatchesReference<Half>(c);

    [Property(MaxTest = 250, Arbitrary = [typeof(KernelArbitraries)])]
    public void Dequantize_BFloat16_MatchesReferenceByteForByte(KernelCase c) => DequantizeMatchesReference<BFloat16>(c);

    [Property(MaxTest = 200, Arbitrary = [typeof(KernelArbitraries)])]
    public void Dequantize_AnyBytesAndScales_MatchesReferenceByteForByte(KernelCase c)
    {
        // Every byte value, and scales that overflow fp16 products, are 0, subnormal, infinite or NaN.
        var random = new Random(c.Seed);
        var packed = new byte[QuantizedWeight<Half>.PackedLength(c.Bits, c.Shape)];
        random.NextBytes(packed);
        float[] specials = [0f, -0f, 65504f, 1e-7f, float.Epsilon, float.PositiveInfinity, float.NegativeInfinity, float.NaN, 3e38f];
        var scales = new float[c.Rows * c.Columns / c.G];
        for (var i = 0; i < scales.Length; i++)
        {
            scales[i] = random.Next(4) == 0 ? specials[random.Next(specials.Length)] : (float)(random.NextDouble() * 2000);
        }

        CheckDequantize(c, packed, scales);
        CheckDequantize(c, packed, scales.Select(s => (Half)s).ToArray());
        CheckDequantize(c, packed, scales.Select(s => (BFloat16)s).ToArray());
    }

    private static void DequantizeMatchesReference<T>(KernelCase c)
        where T : unmanaged
    {
        var weights = RandomWeights.GroupKinds<T>(c.Rows, c.Columns, c.G, c.Bits, new Random(c.Seed));
        var quantized = RtnReference.Quantize<T>(weights, c.Shape, c.Config, c.Format);
        CheckDequantize(c, quantized.Packed, quantized.Scales);
    }

    private static void CheckDequantize<T>(KernelCase c, byte[] packed, T[] scales)
        where T : unmanaged
    {
        var expected = RtnReference.Dequantize(new QuantizedWeight<T>(c.Config, c.Format, c.Shape, packed, scales));
        var actual = new T[expected.Length];
        c.Kernels.Dequantize<T>(packed, scales, c.Rows, c.Columns, actual, c.Format, c.Options);
        ShouldHaveSameBits<T>(actual, expected, "weights");
    }
}
