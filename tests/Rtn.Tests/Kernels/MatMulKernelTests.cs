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
        var actual = ProductInputs.MatMul(c.Weights, x, c.M, weight, bias);

        var dense = RtnReference.Dequantize(weight);
        var (rows, columns) = (c.Weights.Rows, c.Weights.Columns);
        double error = 0, size = 0;
        for (var i = 0; i < c.M; i++)
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
