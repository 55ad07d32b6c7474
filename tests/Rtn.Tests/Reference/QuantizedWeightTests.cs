namespace Rtn.Tests.Reference;

/// <summary>The tensor shapes vLLM stores (create_weights), and the checks on what a weight holds.</summary>
public class QuantizedWeightTests
{
    // vLLM's create_weights: weight [output // factor, input] with factor 2 at 4 bits,
    // scale [output, input // group_size] (1 column when group_size is -1).
    [Theory]
    [InlineData(4, 128, 256, 512, new long[] { 128, 512 }, new long[] { 256, 4 })]
    [InlineData(8, 128, 256, 512, new long[] { 256, 512 }, new long[] { 256, 4 })]
    [InlineData(4, -1, 256, 512, new long[] { 128, 512 }, new long[] { 256, 1 })]
    [InlineData(8, -1, 6, 10, new long[] { 6, 10 }, new long[] { 6, 1 })]
    [InlineData(4, 32, 2, 32, new long[] { 1, 32 }, new long[] { 2, 1 })]
    public void Shapes_Matrix_AreVllmShapes(int bits, int groupSize, int rows, int columns, long[] packedShape, long[] scaleShape)
    {
        var shape = WeightShape.Matrix(rows, columns);
        var config = new RtnConfig(bits, groupSize);

        var weight = Empty<Half>(config, shape);

        weight.PackedShape.ShouldBe(packedShape);
        weight.ScaleShape.ShouldBe(scaleShape);
        weight.Packed.Length.ShouldBe((int)(packedShape[0] * packedShape[1]));
        weight.Scales.Length.ShouldBe((int)(scaleShape[0] * scaleShape[1]));
    }

    [Theory]
    [InlineData(4, 64, new long[] { 8, 8, 128 }, new long[] { 8, 16, 2 })]
    [InlineData(8, 64, new long[] { 8, 16, 128 }, new long[] { 8, 16, 2 })]
    [InlineData(4, -1, new long[] { 8, 8, 128 }, new long[] { 8, 16, 1 })]
    public void Shapes_Stack_LeadWithExperts(int bits, int groupSize, long[] packedShape, long[] scaleShape)
    {
        var weight = Empty<BFloat16>(new RtnConfig(bits, groupSize), WeightShape.Stack(8, 16, 128));

        weight.PackedShape.ShouldBe(packedShape);
        weight.ScaleShape.ShouldBe(scaleShape);
        weight.Scales.Length.ShouldBe((int)(scaleShape[0] * scaleShape[1] * scaleShape[2]));
    }

    [Theory]
    [InlineData(4, 128, 256, 512)]
    [InlineData(8, -1, 6, 10)]
    [InlineData(4, 32, 2, 32)]
    public void ShapeRules_Matrix_AgreeWithTheWeight(int bits, int groupSize, int rows, int columns)
    {
        var shape = WeightShape.Matrix(rows, columns);
        var config = new RtnConfig(bits, groupSize);

        var weight = Empty<float>(config, shape);

        QuantizedWeight.PackedShapeOf(config, shape).ShouldBe(weight.PackedShape);
        QuantizedWeight.ScaleShapeOf(config, shape).ShouldBe(weight.ScaleShape);
        QuantizedWeight.PackedLength(bits, shape).ShouldBe(weight.Packed.Length);
        QuantizedWeight.ScaleCount(config, shape).ShouldBe(weight.Scales.Length);
    }

    [Theory]
    [InlineData(4, 64, new long[] { 8, 8, 128 }, new long[] { 8, 16, 2 }, 8192, 256)]
    [InlineData(8, -1, new long[] { 8, 16, 128 }, new long[] { 8, 16, 1 }, 16384, 128)]
    public void ShapeRules_Stack_LeadWithExperts(int bits, int groupSize, long[] packedShape, long[] scaleShape, int packedLength, int scaleCount)
    {
        var shape = WeightShape.Stack(8, 16, 128);
        var config = new RtnConfig(bits, groupSize);

        QuantizedWeight.PackedShapeOf(config, shape).ShouldBe(packedShape);
        QuantizedWeight.ScaleShapeOf(config, shape).ShouldBe(scaleShape);
        QuantizedWeight.PackedLength(bits, shape).ShouldBe(packedLength);
        QuantizedWeight.ScaleCount(config, shape).ShouldBe(scaleCount);
    }

    [Fact]
    public void GroupSize_PerRow_IsTheColumnCount()
    {
        var weight = Empty<float>(new RtnConfig(8, RtnConfig.PerRow), WeightShape.Matrix(3, 12));

        weight.GroupSize.ShouldBe(12);
        weight.GroupsPerRow.ShouldBe(1);
        weight.Config.GroupSize.ShouldBe(RtnConfig.PerRow);
    }

    [Fact]
    public void Constructor_WrongPackedLength_IsRejectedNamingBothLengths()
    {
        var error = Should.Throw<ArgumentException>(() =>
            new QuantizedWeight<float>(new RtnConfig(4, 2), RtnFormat.Signed, WeightShape.Matrix(2, 4), new byte[5], new float[4]));

        error.Message.ShouldContain("packs to 4 bytes, but 5 were given");
    }

    [Fact]
    public void Constructor_WrongScaleCount_IsRejectedNamingBothCounts()
    {
        var error = Should.Throw<ArgumentException>(() =>
            new QuantizedWeight<float>(new RtnConfig(4, 2), RtnFormat.Signed, WeightShape.Matrix(2, 4), new byte[4], new float[3]));

        error.Message.ShouldContain("has 4 scales, but 3 were given");
    }

    [Fact]
    public void Constructor_ShapeTheGroupSizeDoesNotDivide_IsRejected()
    {
        Should.Throw<ArgumentException>(() =>
            new QuantizedWeight<float>(new RtnConfig(8, 3), RtnFormat.Signed, WeightShape.Matrix(2, 4), new byte[8], new float[2]));
    }

    [Fact]
    public void Constructor_UnsupportedElementType_IsRejectedNamingIt()
    {
        var error = Should.Throw<NotSupportedException>(() =>
            new QuantizedWeight<double>(new RtnConfig(8, 4), RtnFormat.Signed, WeightShape.Matrix(1, 4), new byte[4], new double[1]));

        error.Message.ShouldContain("Double");
    }

    private static QuantizedWeight<T> Empty<T>(RtnConfig config, WeightShape shape)
        where T : unmanaged =>
        new(config, RtnFormat.Signed, shape,
            new byte[shape.ElementCount * config.Bits / 8],
            new T[shape.TotalRows * (shape.Columns / config.GroupSizeFor(shape.Columns))]);
}
