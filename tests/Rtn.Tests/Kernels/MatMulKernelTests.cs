using FsCheck.Xunit;

namespace Rtn.Tests.Kernels;

public class MatMulKernelTests : KernelTests
{
    [Property(MaxTest = 250, Arbitrary = [typeof(KernelArbitraries)])]
    public void MatMul_Float_WithinSpecToleranceOfFloat64(ProductCase c) => MatMulWithinTolerance<float>(c, 1e-5);

    [Property(MaxTest = 250, Arbitrary = [typeof(KernelArbitraries)])]
    public void MatMul_Half_WithinSpecToleranceOfFloat64(ProductCase c) => MatMulWithinTolerance<Half>(c, 1e-2);

    [Property(MaxTest = 250, Arbitrary = [typeof(KernelArbitraries)])]
    public void MatMul_BFloat16_WithinSpecToleranceOfFloat64(ProductCase c) => MatMulWithinTolerance<BFloat16>(c, 1e-2);

    [Property(MaxTest = 200, Arbitrary = [typeof(KernelArbitraries)])]
    public void MatMul_AnyThreadCount_GivesIdenticalBits(ProductCase c)
    {
        var (x, weight, bias) = ProductInputs.Make<float>(c);
        var w = c.Weights;
        var one = ProductInputs.MatMul(w with { Threads = 1 }, x, c.M, weight, bias);
        foreach (var threads in new[] { 2, 3 })
        {
            ShouldHaveSameBits<float>(ProductInputs.MatMul(w with { Threads = threads }, x, c.M, weight, bias), one, $"y with {threads} threads");
        }
    }

    /// <summary>
    /// More activation rows than one pass of the tiles (256): rows 256 apart with the same
    /// activations must give the same bits, which they do only if each pass starts its tile sums
    /// from zero; and every row stays within the spec's tolerance.
    /// </summary>
    [Theory]
    [InlineData(4, 32, 257)]
    [InlineData(8, 64, 300)]
    [InlineData(4, RtnConfig.PerRow, 520)]
    public void MatMul_MoreThan256ActivationRows_EachPassStartsFromZero(int bits, int groupSize, int m)
    {
        foreach (var tier in VectorTiers.Available)
        {
            var c = new KernelCase(bits, groupSize, Specialized: true, Rows: 18, Columns: 320, RtnFormat.Signed, tier, 2, Seed: m);
            var (x, weight, bias) = ProductInputs.Make<float>(new ProductCase(c, m, WithBias: true));
            for (var i = 256; i < m; i++)
            {
                x.AsSpan((i - 256) * c.Columns, c.Columns).CopyTo(x.AsSpan(i * c.Columns));
            }

            var y = ProductInputs.MatMul(c, x, m, weight, bias);

            for (var i = 256; i < m; i++)
            {
                ShouldHaveSameBits<float>(y[(i * c.Rows)..((i + 1) * c.Rows)], y[((i - 256) * c.Rows)..((i - 255) * c.Rows)], $"row {i} and row {i - 256} at {tier}");
            }

            MatMulWithinTolerance(c, m, x, weight, bias, y, 1e-5);
        }
    }

    [Fact]
    public void MatMul_SpecializedAndGeneric_AgreeOnLibraryCombination()
    {
        var c = new KernelCase(4, 128, Specialized: true, Rows: 24, Columns: 512, RtnFormat.Signed, VectorTiers.Best, 2, Seed: 7);
        var (x, weight, bias) = ProductInputs.Make<float>(new ProductCase(c, 9, WithBias: true));

        RtnKernels.For(4, 128).IsSpecialized.ShouldBeTrue();
        ShouldHaveSameBits<float>(ProductInputs.MatMul(c, x, 9, weight, bias), ProductInputs.MatMul(c with { Specialized = false }, x, 9, weight, bias), "y");
    }

    /// <summary>
    /// The spec's relative Frobenius error against a float64 evaluation, taken relative to the
    /// size of the summands, <c>‖ |x|·|W'|ᵀ + |bias| ‖</c>: that is what any fp32 summation can
    /// promise, and for products without cancellation (those of trained layers) it is the plain
    /// <c>‖x·W'ᵀ + bias‖</c>. Where terms cancel, no summation order reaches 1e-5 of the small result.
    /// </summary>
    private static void MatMulWithinTolerance<T>(ProductCase c, double tolerance)
        where T : unmanaged
    {
        var (x, weight, bias) = ProductInputs.Make<T>(c);
        MatMulWithinTolerance(c.Weights, c.M, x, weight, bias, ProductInputs.MatMul(c.Weights, x, c.M, weight, bias), tolerance);
    }

    private static void MatMulWithinTolerance<T>(KernelCase c, int m, T[] x, QuantizedWeight<T> weight, T[] bias, T[] actual, double tolerance)
        where T : unmanaged
    {
        var dense = RtnReference.Dequantize(weight);
        var (rows, columns) = (c.Rows, c.Columns);
        double error = 0, size = 0;
        for (var i = 0; i < m; i++)
        {
            for (var r = 0; r < rows; r++)
            {
                var exact = bias.Length == 0 ? 0d : Precision<T>.ToSingle(bias[r]);
                var magnitude = Math.Abs(exact);
                for (var k = 0; k < columns; k++)
                {
                    var term = (double)Precision<T>.ToSingle(x[(i * columns) + k]) * Precision<T>.ToSingle(dense[(r * columns) + k]);
                    exact += term;
                    magnitude += Math.Abs(term);
                }

                var difference = Precision<T>.ToSingle(actual[(i * rows) + r]) - exact;
                error += difference * difference;
                size += magnitude * magnitude;
            }
        }

        Math.Sqrt(error).ShouldBeLessThanOrEqualTo(tolerance * Math.Sqrt(size), $"relative error of {c}");
    }

}
