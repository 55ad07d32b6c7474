using FsCheck.Xunit;

namespace Rtn.Tests.Kernels;

public class QuantizeKernelTests : KernelTests
{
    [Property(MaxTest = 250, Arbitrary = [typeof(KernelArbitraries)])]
    public void Quantize_Float_MatchesReferenceByteForByte(KernelCase c) => QuantizeMatchesReference<float>(c);

    [Property(MaxTest = 250, Arbitrary = [typeof(KernelArbitraries)])]
    public void Quantize_Half_MatchesReferenceByteForByte(KernelCase c) => QuantizeMatchesReference<Half>(c);

    [Property(MaxTest = 250, Arbitrary = [typeof(KernelArbitraries)])]
    public void Quantize_BFloat16_MatchesReferenceByteForByte(KernelCase c) => QuantizeMatchesReference<BFloat16>(c);

    [Property(MaxTest = 200, Arbitrary = [typeof(KernelArbitraries)])]
    public void Quantize_StackAsRows_MatchesReferenceOfTheStack(KernelCase c)
    {
        // An [E, R, C] stack is handed to the kernels as E·R rows.
        var experts = 1 + (c.Seed % 3);
        var stack = WeightShape.Stack(experts, c.Rows, c.Columns);
        var weights = RandomWeights.GroupKinds<BFloat16>(experts * c.Rows, c.Columns, c.G, c.Bits, new Random(c.Seed));
        var expected = RtnReference.Quantize<BFloat16>(weights, stack, c.Config, c.Format);

        var packed = new byte[expected.Packed.Length];
        var scales = new BFloat16[expected.Scales.Length];
        c.Kernels.Quantize<BFloat16>(weights, experts * c.Rows, c.Columns, packed, scales, c.Format, c.Options);

        ShouldHaveSameBits<BFloat16>(scales, expected.Scales, "scales");
        ShouldHaveSameBits<byte>(packed, expected.Packed, "packed");
    }

    [Theory]
    [InlineData(4)]
    [InlineData(8)]
    public void Quantize_ZeroGroup_GivesZeroCodesAndZeroScale(int bits)
    {
        var weights = new float[2 * 64];
        weights.AsSpan(64).Fill(0.5f);
        var (packed, scales) = Quantize(RtnKernels.For(bits, 64), weights, 2, 64, RtnFormat.Offset);

        scales[0].ShouldBe(0f);
        var zeroCode = bits == 4 ? (byte)0x88 : (byte)0x80;
        packed.AsSpan(0, packed.Length / 2).ToArray().ShouldAllBe(b => b == zeroCode);
    }

    [Fact]
    public void Quantize_ScaleUnderflowsToZero_GivesEndCodesBySign()
    {
        // 2m·(1/15) for m = 2^-149 rounds to 0, so x / s is ±∞ for the nonzero values.
        float[] weights = [float.Epsilon, -float.Epsilon, 0f, -0f];
        var (packed, scales) = Quantize(RtnKernels.For(4, RtnConfig.PerRow), weights, 2, 2, RtnFormat.Signed);

        scales.ShouldBe([0f, 0f]);
        packed.ShouldBe([(byte)0x87, 0x00]);
    }

    [Theory]
    [InlineData(4)]
    [InlineData(8)]
    public void Quantize_SubnormalScale_ClampsQuotientsBeyondTheRange(int bits)
    {
        // With a few units of 2^-149 the scale keeps one significant bit, so x / s reaches 11 (or
        // 191 at 8 bits): far past the last code, which every tier must clamp to.
        var largest = bits == 4 ? 11 : 191;
        var random = new Random(bits);
        var weights = new float[2 * 128];
        for (var i = 0; i < weights.Length; i++)
        {
            weights[i] = random.Next(-largest, largest + 1) * float.Epsilon;
        }

        weights[0] = largest * float.Epsilon;
        var expected = RtnReference.Quantize<float>(weights, WeightShape.Matrix(2, 128), new RtnConfig(bits, 64));
        foreach (var tier in VectorTiers.Available)
        {
            var (packed, scales) = Quantize(RtnKernels.For(bits, 64), weights, 2, 128, RtnFormat.Signed, tier);
            ShouldHaveSameBits<float>(scales, expected.Scales, $"scales at {tier}");
            ShouldHaveSameBits<byte>(packed, expected.Packed, $"packed at {tier}");
        }
    }

    [Fact]
    public void Quantize_TiesAfterClamp_RoundToEven()
    {
        // m = 7.5·s exactly gives 7.5 → 7 at the top, while -7.5 → -8 at the bottom.
        float[] weights = [15f, -15f, 5f, -5f, 3f, 1f, 0f, 7f];
        var expected = RtnReference.Quantize<float>(weights, WeightShape.Matrix(2, 4), new RtnConfig(4, -1));
        foreach (var tier in VectorTiers.Available)
        {
            var (packed, scales) = Quantize(RtnKernels.For(4, -1), weights, 2, 4, RtnFormat.Signed, tier);
            packed.ShouldBe(expected.Packed, tier.ToString());
            scales.ShouldBe(expected.Scales, tier.ToString());
        }
    }

    private static (byte[] Packed, T[] Scales) Quantize<T>(IRtnKernels kernels, T[] weights, int rows, int columns, RtnFormat format, VectorTier? tier = null)
        where T : unmanaged
    {
        var shape = WeightShape.Matrix(rows, columns);
        var packed = new byte[QuantizedWeight<T>.PackedLength(kernels.Bits, shape)];
        var scales = new T[rows * columns / new RtnConfig(kernels.Bits, kernels.GroupSize).GroupSizeFor(columns)];
        kernels.Quantize<T>(weights, rows, columns, packed, scales, format, new KernelOptions { Tier = tier });
        return (packed, scales);
    }

    private static void QuantizeMatchesReference<T>(KernelCase c)
        where T : unmanaged
    {
        var weights = RandomWeights.GroupKinds<T>(c.Rows, c.Columns, c.G, c.Bits, new Random(c.Seed));
        var expected = RtnReference.Quantize<T>(weights, c.Shape, c.Config, c.Format);

        // Stale bytes in the outputs must not leak into the result.
        var packed = Enumerable.Repeat((byte)0x5A, expected.Packed.Length).ToArray();
        var scales = new T[expected.Scales.Length];
        c.Kernels.Quantize<T>(weights, c.Rows, c.Columns, packed, scales, c.Format, c.Options);

        ShouldHaveSameBits<T>(scales, expected.Scales, "scales");
        ShouldHaveSameBits<byte>(packed, expected.Packed, "packed");
    }
}
