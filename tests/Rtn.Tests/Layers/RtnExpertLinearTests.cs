using FsCheck.Xunit;
using Rtn.Layers;

namespace Rtn.Tests.Layers;

[Properties(Arbitrary = [typeof(LayerArbitraries)], MaxTest = 200)]
public class RtnExpertLinearTests
{
    [Property]
    public void LoadExpert_EveryExpert_EqualsQuantizingTheStack(LayerCase layer)
    {
        var experts = 1 + (layer.Seed % 3);
        var (rows, columns) = (layer.OutputSize, layer.InputSize);
        var stack = RandomWeights.LayerLike<Half>(layer.Seed, experts * rows * columns);
        var expected = RtnReference.Quantize<Half>(stack, WeightShape.Stack(experts, rows, columns), layer.Config, layer.Format);
        var layerUnderTest = new RtnExpertLinear<Half>(experts, columns, layer.Partitions, layer.Config, layer.Format);

        for (var e = experts - 1; e >= 0; e--)
        {
            layerUnderTest.LoadExpert(e, stack.AsSpan(e * rows * columns, rows * columns));
        }

        layerUnderTest.Weight.Packed.ShouldBe(expected.Packed);
        layerUnderTest.Weight.Scales.ShouldBe(expected.Scales);
        layerUnderTest.Weight.PackedShape.ShouldBe(expected.PackedShape);
        layerUnderTest.Weight.ScaleShape.ShouldBe([experts, rows, expected.GroupsPerRow]);
    }

    [Property]
    public void Forward_EachExpert_MatchesReferenceLinearOfThatExpert(LayerCase layer)
    {
        const int experts = 2;
        var (rows, columns) = (layer.OutputSize, layer.InputSize);
        var stack = RandomWeights.LayerLike<float>(layer.Seed, experts * rows * columns);
        var x = RandomWeights.LayerLike<float>(layer.Seed + 1, 2 * columns);
        var layerUnderTest = new RtnExpertLinear<float>(experts, columns, layer.Partitions, layer.Config, layer.Format);
        for (var e = 0; e < experts; e++)
        {
            layerUnderTest.LoadExpert(e, stack.AsSpan(e * rows * columns, rows * columns));
        }

        for (var e = 0; e < experts; e++)
        {
            var y = new float[2 * rows];
            layerUnderTest.Forward(e, x, 2, y);

            var expertWeight = RtnReference.Quantize<float>(stack.AsSpan(e * rows * columns, rows * columns), WeightShape.Matrix(rows, columns), layer.Config, layer.Format);
            ProductAccuracy.Error<float>(y, RtnReference.Linear<float>(x, 2, expertWeight), x, 2, expertWeight).ShouldBeLessThanOrEqualTo(1e-5);
        }
    }

    [Fact]
    public void Forward_ExpertNotLoaded_NamesExpertAndPartition()
    {
        var layer = new RtnExpertLinear<float>(3, 8, [4, 4], new RtnConfig(4, 8), name: "experts.w13");
        layer.LoadExpert(0, new float[64]);

        var error = Should.Throw<InvalidOperationException>(() => layer.Forward(1, new float[8], 1, new float[8]));

        error.Message.ShouldContain("experts.w13 expert 1 partition 0 of 2");
    }

    [Fact]
    public void LoadPartition_ExpertOutOfRange_NamesExpertCount()
    {
        var layer = new RtnExpertLinear<float>(3, 8, 4, new RtnConfig(8, 8), name: "experts.w2");

        Should.Throw<ArgumentOutOfRangeException>(() => layer.LoadPartition(3, 0, new float[32]))
            .Message.ShouldContain("experts.w2 has 3 experts");
    }
}
