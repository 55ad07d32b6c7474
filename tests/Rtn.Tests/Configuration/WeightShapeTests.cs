namespace Rtn.Tests.Configuration;

/// <summary>[R, C] matrices and [E, R, C] stacks: sizes, dimensions, positions and bad shapes.</summary>
public class WeightShapeTests
{
    [Fact]
    public void Matrix_Sizes_AreOneExpertOfRowsByColumns()
    {
        var shape = WeightShape.Matrix(3, 5);

        (shape.Experts, shape.Rows, shape.Columns, shape.IsStack).ShouldBe((1, 3, 5, false));
        shape.TotalRows.ShouldBe(3);
        shape.ElementCount.ShouldBe(15);
        shape.Dimensions.ShouldBe([3L, 5L]);
        shape.ToString().ShouldBe("[3, 5]");
    }

    [Fact]
    public void Stack_Sizes_CountEveryExpertsRows()
    {
        var shape = WeightShape.Stack(4, 3, 5);

        (shape.Experts, shape.Rows, shape.Columns, shape.IsStack).ShouldBe((4, 3, 5, true));
        shape.TotalRows.ShouldBe(12);
        shape.ElementCount.ShouldBe(60);
        shape.Dimensions.ShouldBe([4L, 3L, 5L]);
        shape.ToString().ShouldBe("[4, 3, 5]");
    }

    [Fact]
    public void Stack_OfOneExpert_DiffersFromTheMatrix() =>
        WeightShape.Stack(1, 2, 4).ShouldNotBe(WeightShape.Matrix(2, 4));

    [Theory]
    [InlineData(0, "[0, 0]")]
    [InlineData(6, "[1, 1]")]
    [InlineData(14, "[2, 4]")]
    public void FormatPosition_Matrix_IsRowAndColumn(long index, string expected) =>
        WeightShape.Matrix(3, 5).FormatPosition(index).ShouldBe(expected);

    [Theory]
    [InlineData(0, "[0, 0, 0]")]
    [InlineData(16, "[1, 0, 1]")]
    [InlineData(59, "[3, 2, 4]")]
    public void FormatPosition_Stack_IsExpertRowAndColumn(long index, string expected) =>
        WeightShape.Stack(4, 3, 5).FormatPosition(index).ShouldBe(expected);

    [Fact]
    public void FromDimensions_TwoOrThree_GivesMatrixOrStack()
    {
        WeightShape.FromDimensions([3, 5]).ShouldBe(WeightShape.Matrix(3, 5));
        WeightShape.FromDimensions([2, 3, 5]).ShouldBe(WeightShape.Stack(2, 3, 5));
    }

    [Theory]
    [InlineData(new long[] { 5 }, "[5]")]
    [InlineData(new long[] { 1, 2, 3, 4 }, "[1, 2, 3, 4]")]
    [InlineData(new long[] { 0, 4 }, "0")]
    [InlineData(new long[] { 2, -3 }, "-3")]
    [InlineData(new long[] { 2, 3_000_000_000 }, "3000000000")]
    public void FromDimensions_BadShape_IsRejectedNamingIt(long[] dimensions, string text) =>
        Should.Throw<ArgumentException>(() => WeightShape.FromDimensions(dimensions)).Message.ShouldContain(text);

    [Theory]
    [InlineData(0, 4)]
    [InlineData(4, -1)]
    public void Matrix_NonPositiveSize_IsRejected(int rows, int columns) =>
        Should.Throw<ArgumentException>(() => WeightShape.Matrix(rows, columns)).Message.ShouldContain($"[{rows}, {columns}]");

    [Fact]
    public void Stack_MoreElementsThanAnArrayHolds_CountsThemIn64Bits()
    {
        // A fused MoE expert stack such as experts.gate_up_proj [128, 5120, 16384]: 10.7e9 values.
        var shape = WeightShape.Stack(128, 5120, 16384);

        shape.LongElementCount.ShouldBe(10_737_418_240L);
        shape.TotalRows.ShouldBe(655_360);
        Should.Throw<InvalidOperationException>(() => shape.ElementCount).Message.ShouldContain($"Weight [128, 5120, 16384] has 10737418240 values, more than one array holds ({Array.MaxLength})");
    }

    [Fact]
    public void Stack_MoreRowsThanAnIntCounts_IsRejectedNamingTheShape() =>
        Should.Throw<ArgumentException>(() => WeightShape.Stack(1 << 16, 1 << 16, 2)).Message.ShouldContain("[65536, 65536, 2]");
}
