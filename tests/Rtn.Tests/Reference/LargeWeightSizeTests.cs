using Rtn.Kernels;
using Rtn.Layers;

namespace Rtn.Tests.Reference;

/// <summary>
/// Sizes of weights above 2³¹ values or bytes are counted in 64 bits, and a weight one array
/// cannot hold is refused naming its shape, before anything is allocated.
/// </summary>
public class LargeWeightSizeTests
{
    // A fused MoE stack such as experts.gate_up_proj [128, 5120, 16384]: 10.7e9 values.
    private static readonly WeightShape FusedExperts = WeightShape.Stack(128, 5120, 16384);

    [Theory]
    [InlineData(4, 128, 5_368_709_120L, 83_886_080L)]
    [InlineData(8, 32, 10_737_418_240L, 335_544_320L)]
    [InlineData(8, -1, 10_737_418_240L, 655_360L)]
    public void Sizes_StackAboveOneArray_AreCountedIn64Bits(int bits, int groupSize, long packedLength, long scaleCount)
    {
        var config = new RtnConfig(bits, groupSize);

        QuantizedWeight.PackedLength(bits, FusedExperts).ShouldBe(packedLength);
        QuantizedWeight.ScaleCount(config, FusedExperts).ShouldBe(scaleCount);
        QuantizedWeight.PackedShapeOf(config, FusedExperts).ShouldBe([128, bits == 4 ? 2560 : 5120, 16384]);
    }

    [Fact]
    public void ScaleCount_MoreScalesThanAnIntCounts_IsCountedIn64Bits() =>
        QuantizedWeight.ScaleCount(new RtnConfig(8, 32), WeightShape.Stack(32768, 32768, 4096)).ShouldBe(1L << 37);

    [Fact]
    public void EnsureFitsOneArray_StackAboveTheLimit_IsRefusedNamingTheShapeAndTheLimit() =>
        Should.Throw<ArgumentException>(() => QuantizedWeight.EnsureFitsOneArray(new RtnConfig(4, 128), FusedExperts))
            .Message.ShouldContain($"Weight [128, 5120, 16384] at 4 bits packs to 5368709120 bytes of codes and 83886080 scales, more than one array holds ({Array.MaxLength})");

    [Fact]
    public void EnsureFitsOneArray_OneExpertOfTheStack_Passes() =>
        Should.NotThrow(() => QuantizedWeight.EnsureFitsOneArray(new RtnConfig(8, 128), WeightShape.Matrix(5120, 16384)));

    [Fact]
    public void QuantizedWeight_TooBigForOneArray_IsRefusedBeforeTheLengths() =>
        Should.Throw<ArgumentException>(() => new QuantizedWeight<BFloat16>(new RtnConfig(8, 128), RtnFormat.Signed, FusedExperts, [], []))
            .Message.ShouldContain("Weight [128, 5120, 16384] at 8 bits packs to 10737418240 bytes");

    [Fact]
    public void KernelArguments_MatrixAboveOneSpan_NameTheShapeInsteadOfOverflowing() =>
        Should.Throw<ArgumentException>(() => KernelArguments.ForWeights<float>(new RtnConfig(4, 128), 65536, 65536, 0, 0, 0))
            .Message.ShouldBe("weights must hold 4294967296 values for weight [65536, 65536], but holds 0. (Parameter 'weights')");

    [Fact]
    public void Quantize_MatrixAboveOneSpan_IsRefusedNamingTheShape() =>
        Should.Throw<ArgumentException>(() => RtnKernels.For(new RtnConfig(8, 128)).Quantize<float>([], 65536, 65536, [], [], RtnFormat.Signed, default))
            .Message.ShouldContain("[65536, 65536]");

    [Fact]
    public void RtnLinear_MatrixAboveOneArray_IsRefusedNamingTheLayerAndShape() =>
        Should.Throw<ArgumentException>(() => new RtnLinear<BFloat16>(65536, 65536, new RtnConfig(8, 128), name: "lm_head"))
            .Message.ShouldContain($"Layer lm_head: Weight [65536, 65536] at 8 bits packs to 4294967296 bytes of codes and 33554432 scales, more than one array holds ({Array.MaxLength})");

    /// <summary>
    /// An int4 stack [2, 65536, 32768] packs to 2 GiB, more than one array, while each expert's
    /// 1 GiB fits one: it loads, and only the whole-stack copy is refused. The arrays are
    /// allocated but only two rows are written.
    /// </summary>
    [Fact]
    public void RtnExpertLinear_StackAboveOneArray_LoadsEachExpert()
    {
        var config = new RtnConfig(4, 128);
        var layer = new RtnExpertLinear<BFloat16>(2, 32768, [2, 65534], config, name: "experts.w13");
        var rows = RandomWeights.LayerLike<BFloat16>(7, 2 * 32768);

        layer.LoadPartition(1, 0, rows);

        var expected = RtnReference.Quantize<BFloat16>(rows, WeightShape.Matrix(2, 32768), config);
        layer.ExpertWeight(1).Packed.AsSpan(0, expected.Packed.Length).ToArray().ShouldBe(expected.Packed);
        layer.ExpertWeight(1).Scales.AsSpan(0, expected.Scales.Length).ToArray().ShouldBe(expected.Scales);
        layer.ExpertWeight(0).Packed.AsSpan(0, expected.Packed.Length).ToArray().ShouldAllBe(b => b == 0);
        Should.Throw<InvalidOperationException>(() => layer.Weight).Message.ShouldContain("Layer experts.w13's stack [2, 65536, 32768] packs to 2147483648 bytes of codes");
    }

    [Fact]
    public void RtnExpertLinear_ExpertAboveOneArray_IsRefusedNamingTheExpertShape() =>
        Should.Throw<ArgumentException>(() => new RtnExpertLinear<BFloat16>(2, 65536, 65536, new RtnConfig(8, 128), name: "experts.w13"))
            .Message.ShouldContain("Layer experts.w13 (each expert): Weight [65536, 65536] at 8 bits packs to 4294967296 bytes");
}
