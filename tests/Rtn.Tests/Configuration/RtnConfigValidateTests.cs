namespace Rtn.Tests.Configuration;

/// <summary>Whether a weight's shape fits a configuration, and the group size that applies.</summary>
public class RtnConfigValidateTests
{
    [Theory]
    [InlineData(4, 128, 2, 256, 128)]
    [InlineData(8, 3, 1, 9, 3)]
    [InlineData(4, -1, 2, 6, 6)]
    [InlineData(8, -1, 3, 7, 7)]
    [InlineData(8, 7, 5, 7, 7)]
    public void Validate_FittingShape_ReturnsGroupSize(int bits, int groupSize, int rows, int columns, int expected) =>
        new RtnConfig(bits, groupSize).Validate(WeightShape.Matrix(rows, columns)).ShouldBe(expected);

    [Theory]
    [InlineData(3, 10, 4)]
    [InlineData(2, 64, 128)]
    [InlineData(1, 9, 2)]
    public void Validate_GroupSizeNotDividingColumns_NamesRowsColumnsAndGroupSize(int rows, int columns, int groupSize)
    {
        var error = Should.Throw<ArgumentException>(() => new RtnConfig(8, groupSize).Validate(WeightShape.Matrix(rows, columns)));

        error.Message.ShouldContain($"R = {rows}, C = {columns}, g = {groupSize}");
    }

    [Theory]
    [InlineData(3, 4)]
    [InlineData(2, 6 + 1)]
    [InlineData(1, 1)]
    public void Validate_OddSizeAtFourBits_IsRejectedNamingTheSizes(int rows, int columns)
    {
        var error = Should.Throw<ArgumentException>(() => new RtnConfig(4, RtnConfig.PerRow).Validate(WeightShape.Matrix(rows, columns)));

        error.Message.ShouldContain("even");
        error.Message.ShouldContain($"R = {rows}, C = {columns}");
    }

    [Fact]
    public void Validate_OddSizeAtEightBits_IsAccepted() =>
        new RtnConfig(8, RtnConfig.PerRow).Validate(WeightShape.Matrix(3, 5)).ShouldBe(5);

    [Fact]
    public void Validate_Stack_ChecksEachExpertsMatrix()
    {
        new RtnConfig(4, 2).Validate(WeightShape.Stack(3, 2, 4)).ShouldBe(2);
        Should.Throw<ArgumentException>(() => new RtnConfig(4, 2).Validate(WeightShape.Stack(2, 3, 4)))
            .Message.ShouldContain("[2, 3, 4]");
    }
}
