namespace Rtn.Tests.Reference;

/// <summary>Inputs the reference refuses, with a message that says where the problem is.</summary>
public class QuantizeValidationTests
{
    [Theory]
    [InlineData(float.NaN)]
    [InlineData(float.PositiveInfinity)]
    [InlineData(float.NegativeInfinity)]
    public void Quantize_NonFiniteInMatrix_IsRejectedNamingRowAndColumn(float bad)
    {
        var values = new float[12];
        values[(1 * 4) + 3] = bad;

        var error = Should.Throw<ArgumentException>(() =>
            RtnReference.Quantize<float>(values, WeightShape.Matrix(3, 4), new RtnConfig(8, 2)));

        error.Message.ShouldContain("[1, 3]");
    }

    [Fact]
    public void Quantize_NonFiniteInStack_IsRejectedNamingExpertRowAndColumn()
    {
        var values = new Half[2 * 2 * 4];
        values[(1 * 8) + (0 * 4) + 2] = Half.NaN;

        var error = Should.Throw<ArgumentException>(() =>
            RtnReference.Quantize<Half>(values, WeightShape.Stack(2, 2, 4), new RtnConfig(4, 4)));

        error.Message.ShouldContain("[1, 0, 2]");
    }

    [Fact]
    public void Quantize_BFloat16Infinity_IsRejected()
    {
        var values = new BFloat16[4];
        values[1] = BFloat16.NegativeInfinity;

        Should.Throw<ArgumentException>(() =>
            RtnReference.Quantize<BFloat16>(values, WeightShape.Matrix(2, 2), new RtnConfig(4, -1)))
            .Message.ShouldContain("[0, 1]");
    }

    [Theory]
    [InlineData(7)]
    [InlineData(9)]
    public void Quantize_WrongNumberOfValues_IsRejectedNamingBothCounts(int length)
    {
        var error = Should.Throw<ArgumentException>(() =>
            RtnReference.Quantize<float>(new float[length], WeightShape.Matrix(2, 4), new RtnConfig(8, 4)));

        error.Message.ShouldContain($"has 8 values, but {length} were given");
    }

    [Fact]
    public void Quantize_GroupSizeNotDividingColumns_IsRejectedBeforeReadingValues()
    {
        var error = Should.Throw<ArgumentException>(() =>
            RtnReference.Quantize<float>(new float[30], WeightShape.Matrix(3, 10), new RtnConfig(8, 4)));

        error.Message.ShouldContain("R = 3, C = 10, g = 4");
    }

    [Fact]
    public void Quantize_UnsupportedElementType_IsRejectedNamingIt()
    {
        Should.Throw<NotSupportedException>(() =>
            RtnReference.Quantize<double>(new double[4], WeightShape.Matrix(1, 4), new RtnConfig(8, 4)))
            .Message.ShouldContain("Double");
    }
}
