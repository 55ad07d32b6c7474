using FsCheck.Xunit;
using Rtn.Layers;

namespace Rtn.Tests.Layers;

[Properties(Arbitrary = [typeof(LayerArbitraries)], MaxTest = 200)]
public class RtnLinearTests
{
    [Property]
    public void LoadPartition_AllPartitionsInAnyOrder_EqualsQuantizingWholeMatrix_Float(LayerCase layer) =>
        PartitionsEqualWholeMatrix<float>(layer);

    [Property]
    public void LoadPartition_AllPartitionsInAnyOrder_EqualsQuantizingWholeMatrix_Half(LayerCase layer) =>
        PartitionsEqualWholeMatrix<Half>(layer);

    [Property]
    public void LoadPartition_AllPartitionsInAnyOrder_EqualsQuantizingWholeMatrix_BFloat16(LayerCase layer) =>
        PartitionsEqualWholeMatrix<BFloat16>(layer);

    [Property]
    public void Forward_Float_MatchesReferenceLinearWithinSpecTolerance(LayerCase layer) => ForwardMatchesReference<float>(layer);

    [Property]
    public void Forward_Half_MatchesReferenceLinearWithinSpecTolerance(LayerCase layer) => ForwardMatchesReference<Half>(layer);

    [Property]
    public void Forward_BFloat16_MatchesReferenceLinearWithinSpecTolerance(LayerCase layer) => ForwardMatchesReference<BFloat16>(layer);

    [Property]
    public void Weight_Shapes_AreVllmShapes(LayerCase layer)
    {
        var linear = new RtnLinear<float>(layer.InputSize, layer.Partitions, layer.Config, layer.Format);
        var groups = layer.GroupSize == -1 ? 1 : layer.InputSize / layer.GroupSize;

        linear.Weight.PackedShape.ShouldBe([layer.Bits == 4 ? layer.OutputSize / 2 : layer.OutputSize, layer.InputSize]);
        linear.Weight.ScaleShape.ShouldBe([layer.OutputSize, groups]);
    }

    [Fact]
    public void Constructor_OddPartitionAt4Bits_NamesPartitionAndShape()
    {
        var error = Should.Throw<ArgumentException>(() => new RtnLinear<float>(16, [4, 3], new RtnConfig(4, 8), name: "qkv_proj"));

        error.Message.ShouldContain("qkv_proj partition 1");
        error.Message.ShouldContain("[3, 16]");
    }

    [Fact]
    public void Constructor_GroupSizeNotDividingInput_NamesSizes()
    {
        var error = Should.Throw<ArgumentException>(() => new RtnLinear<float>(24, 4, new RtnConfig(8, 16), name: "o_proj"));

        error.Message.ShouldContain("o_proj");
        error.Message.ShouldContain("C = 24");
        error.Message.ShouldContain("g = 16");
    }

    [Fact]
    public void LoadPartition_WrongLength_NamesPartitionAndExpectedShape()
    {
        var linear = new RtnLinear<float>(8, [2, 4], new RtnConfig(8, 8), name: "gate_up_proj");

        var error = Should.Throw<ArgumentException>(() => linear.LoadPartition(1, new float[16]));

        error.Message.ShouldContain("gate_up_proj partition 1 of 2");
        error.Message.ShouldContain("[4, 8]");
    }

    [Fact]
    public void LoadPartition_IndexOutOfRange_NamesLayerAndCount()
    {
        var linear = new RtnLinear<float>(8, [2, 4], new RtnConfig(8, 8), name: "gate_up_proj");

        var error = Should.Throw<ArgumentOutOfRangeException>(() => linear.LoadPartition(2, new float[16]));

        error.Message.ShouldContain("gate_up_proj has 2 partitions");
    }

    [Fact]
    public void LoadPartition_NonFiniteValue_NamesPartitionAndPosition()
    {
        var linear = new RtnLinear<float>(4, [2, 2], new RtnConfig(8, -1), name: "qkv_proj");
        var weights = new float[8];
        weights[6] = float.NaN;

        var error = Should.Throw<ArgumentException>(() => linear.LoadPartition(1, weights));

        error.Message.ShouldContain("qkv_proj partition 1 of 2");
        error.Message.ShouldContain("[1, 2]");
    }

    [Fact]
    public void Forward_PartitionNotLoaded_NamesMissingPartition()
    {
        var linear = new RtnLinear<float>(4, [2, 2], new RtnConfig(8, -1), name: "qkv_proj");
        linear.LoadPartition(0, new float[8]);

        var error = Should.Throw<InvalidOperationException>(() => linear.Forward(new float[4], 1, new float[4]));

        error.Message.ShouldContain("qkv_proj partition 1 of 2");
        error.Message.ShouldContain("rows [2, 4)");
    }

    [Fact]
    public void Forward_BiasNotLoaded_Throws()
    {
        var linear = new RtnLinear<float>(4, 2, new RtnConfig(8, -1), hasBias: true, name: "q_proj");
        linear.Load(new float[8]);

        Should.Throw<InvalidOperationException>(() => linear.Forward(new float[4], 1, new float[2]))
            .Message.ShouldContain("no bias loaded");
    }

    [Fact]
    public void LoadBias_WithoutBias_Throws()
    {
        var linear = new RtnLinear<float>(4, 2, new RtnConfig(8, -1), name: "q_proj");

        Should.Throw<InvalidOperationException>(() => linear.LoadBias([1f, 2f]));
    }

    private static void PartitionsEqualWholeMatrix<T>(LayerCase layer)
        where T : unmanaged
    {
        var whole = RandomWeights.LayerLike<T>(layer.Seed, layer.OutputSize * layer.InputSize);
        var expected = RtnReference.Quantize<T>(whole, WeightShape.Matrix(layer.OutputSize, layer.InputSize), layer.Config, layer.Format);
        var linear = new RtnLinear<T>(layer.InputSize, layer.Partitions, layer.Config, layer.Format);

        foreach (var i in Enumerable.Range(0, layer.Partitions.Length).Reverse())
        {
            var (start, count) = linear.PartitionRows(i);
            linear.LoadPartition(i, whole.AsSpan(start * layer.InputSize, count * layer.InputSize));
        }

        linear.Weight.Packed.ShouldBe(expected.Packed);
        linear.Weight.Scales.ShouldBe(expected.Scales);
    }

    private static void ForwardMatchesReference<T>(LayerCase layer)
        where T : unmanaged
    {
        var random = new Random(layer.Seed);
        var m = 1 + random.Next(3);
        var hasBias = random.Next(2) == 0;
        var weights = RandomWeights.LayerLike<T>(layer.Seed, layer.OutputSize * layer.InputSize);
        var x = RandomWeights.LayerLike<T>(layer.Seed + 1, m * layer.InputSize);
        var bias = hasBias ? RandomWeights.LayerLike<T>(layer.Seed + 2, layer.OutputSize) : [];
        var linear = new RtnLinear<T>(layer.InputSize, layer.Partitions, layer.Config, layer.Format, hasBias);
        linear.Load(weights);
        if (hasBias)
        {
            linear.LoadBias(bias);
        }

        var y = new T[m * layer.OutputSize];
        linear.Forward(x, m, y);

        var reference = RtnReference.Quantize<T>(weights, WeightShape.Matrix(layer.OutputSize, layer.InputSize), layer.Config, layer.Format);
        var expected = RtnReference.Linear<T>(x, m, reference, bias);
        ProductAccuracy.Error<T>(y, expected, x, m, reference, bias).ShouldBeLessThanOrEqualTo(ProductAccuracy.Tolerance<T>());
    }
}
