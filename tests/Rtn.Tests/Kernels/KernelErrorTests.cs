using FsCheck.Xunit;

namespace Rtn.Tests.Kernels;

public class KernelErrorTests : KernelTests
{
    [Property(MaxTest = 200, Arbitrary = [typeof(KernelArbitraries)])]
    public void Quantize_NonFiniteValues_ThrowsNamingTheFirstPosition(KernelCase c)
    {
        var random = new Random(c.Seed);
        var weights = RandomWeights.Normal<Half>(c.Rows * c.Columns, random);
        var positions = Enumerable.Range(0, random.Next(1, 4)).Select(_ => random.Next(weights.Length)).ToArray();
        Half[] specials = [Half.NaN, Half.PositiveInfinity, Half.NegativeInfinity];
        foreach (var position in positions)
        {
            weights[position] = specials[random.Next(specials.Length)];
        }

        var expected = Should.Throw<ArgumentException>(() => RtnReference.Quantize<Half>(weights, c.Shape, c.Config, c.Format));
        var error = Should.Throw<ArgumentException>(() => c.Kernels.Quantize<Half>(
            weights, c.Rows, c.Columns, new byte[QuantizedWeight<Half>.PackedLength(c.Bits, c.Shape)], new Half[c.Rows * c.Columns / c.G], c.Format, c.Options));

        error.ParamName.ShouldBe("weights");
        error.Message.ShouldContain($"at {c.Shape.FormatPosition(positions.Min())}");
        error.Message.ShouldStartWith(expected.Message[..expected.Message.IndexOf(" at ", StringComparison.Ordinal)]);
    }

    [Theory]
    [InlineData("weights", 63, 32, 16)]
    [InlineData("packed", 64, 31, 16)]
    [InlineData("scales", 64, 32, 15)]
    public void Quantize_WrongSpanLength_ThrowsNamingTheSpan(string name, int weights, int packed, int scales)
    {
        var error = Should.Throw<ArgumentException>(() =>
            RtnKernels.For(4, 4).Quantize<float>(new float[weights], 4, 16, new byte[packed], new float[scales], RtnFormat.Signed, default));

        error.ParamName.ShouldBe(name);
        error.Message.ShouldContain("[4, 16]");
    }

    [Fact]
    public void Quantize_OddColumnsAt4Bits_ThrowsNamingTheShape()
    {
        var error = Should.Throw<ArgumentException>(() =>
            RtnKernels.For(4, RtnConfig.PerRow).Quantize<float>(new float[6], 2, 3, new byte[3], new float[2], RtnFormat.Signed, default));

        error.Message.ShouldContain("C = 3");
    }

    [Fact]
    public void Dequantize_GroupNotDividingColumns_ThrowsNamingRowsColumnsAndGroup()
    {
        var error = Should.Throw<ArgumentException>(() =>
            RtnKernels.For(8, 128).Dequantize<float>(new byte[200], new float[2], 2, 100, new float[200], RtnFormat.Signed, default));

        error.Message.ShouldContain("R = 2, C = 100, g = 128");
    }

    [Fact]
    public void Quantize_NegativeMaxThreads_Throws()
    {
        var options = new KernelOptions { MaxThreads = -1 };
        Should.Throw<ArgumentOutOfRangeException>(() =>
            RtnKernels.For(8, 32).Quantize<float>(new float[64], 2, 32, new byte[64], new float[2], RtnFormat.Signed, options));
    }

    [Theory]
    [InlineData(0, 64, 8, 0, "m")]
    [InlineData(2, 63, 8, 0, "x")]
    [InlineData(2, 64, 7, 0, "y")]
    [InlineData(2, 64, 8, 3, "bias")]
    public void MatMul_WrongArguments_ThrowsNamingTheArgument(int m, int x, int y, int bias, string name)
    {
        var error = Should.Throw<ArgumentException>(() =>
            RtnKernels.For(4, 32).MatMul<float>(new float[x], m, new byte[64], new float[4], 4, 32, new float[bias], new float[y], RtnFormat.Signed, default));

        error.ParamName.ShouldBe(name);
    }
}
