using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace Rtn.Gpu.Tests;

public sealed class MatMulTests(CpuAcceleratorFixture fixture) : IClassFixture<CpuAcceleratorFixture>
{
    [Property(MaxTest = 200)]
    public Property MatMul_Float_AgreesWithFloat64Reference() =>
        Prop.ForAll(WeightCases.MatMulCases(ElementKind.Float), Check<float>);

    [Property(MaxTest = 200)]
    public Property MatMul_Half_AgreesWithFloat64Reference() =>
        Prop.ForAll(WeightCases.MatMulCases(ElementKind.Half), Check<Half>);

    [Property(MaxTest = 200)]
    public Property MatMul_BFloat16_AgreesWithFloat64Reference() =>
        Prop.ForAll(WeightCases.MatMulCases(ElementKind.BFloat16), Check<BFloat16>);

    [Theory]
    [InlineData(4, 8, 1)]
    [InlineData(4, 8, 6)]
    [InlineData(8, 16, 1)]
    [InlineData(8, 16, 5)]
    [InlineData(4, 6, 3)]
    public void MatMul_IdentityActivations_ReturnDequantizedRows(int bits, int groupSize, int m)
    {
        // x = the first m rows of the identity picks out columns of W', so y[i, r] = W'[r, i]
        // exactly: each sum has a single nonzero term.
        const int rows = 6;
        const int columns = 48;
        var random = new Random(7);
        var values = RandomWeights.Uniform<float>(rows * columns, random);
        var weight = RtnReference.Quantize<float>(values, WeightShape.Matrix(rows, columns), new RtnConfig(bits, groupSize));
        var dense = RtnReference.Dequantize(weight);
        var x = new float[m * columns];
        for (var i = 0; i < m; i++)
        {
            x[(i * columns) + i] = 1f;
        }

        var y = new float[m * rows];
        fixture.Accelerator.KernelsFor(weight.Config).MatMul<float>(x, m, weight.Packed, weight.Scales, rows, columns, [], y, RtnFormat.Signed, default);

        for (var i = 0; i < m; i++)
        {
            for (var r = 0; r < rows; r++)
            {
                y[(i * rows) + r].ShouldBe(dense[(r * columns) + i]);
            }
        }
    }

    [Theory]
    [InlineData(4, 128, 1)]
    [InlineData(4, 32, 7)]
    [InlineData(8, RtnConfig.PerRow, 3)]
    public void MatMul_LayerSizedBFloat16_AgreesWithDenseReferenceWithinSpec(int bits, int groupSize, int m)
    {
        // The spec's own yardstick, W' rounded to bf16, on a shape with enough outputs to be meaningful.
        const int rows = 64;
        const int columns = 256;
        var random = new Random(11);
        var weight = RtnReference.Quantize<BFloat16>(RandomWeights.Uniform<BFloat16>(rows * columns, random, 0.05f), WeightShape.Matrix(rows, columns), new RtnConfig(bits, groupSize));
        var x = RandomWeights.Uniform<BFloat16>(m * columns, random, 1f);
        var bias = RandomWeights.Uniform<BFloat16>(rows, random, 0.25f);
        var y = new BFloat16[m * rows];

        fixture.Accelerator.KernelsFor(weight.Config).MatMul<BFloat16>(x, m, weight.Packed, weight.Scales, rows, columns, bias, y, RtnFormat.Signed, default);

        MatMulReference.RelativeError(y, MatMulReference.Evaluate(weight, x, m, bias)).ShouldBeLessThanOrEqualTo(1e-2);
    }

    [Fact]
    public void MatMul_NonPositiveM_ThrowsNamingIt()
    {
        var kernels = fixture.Accelerator.KernelsFor(new RtnConfig(8, 8));

        var error = Should.Throw<ArgumentOutOfRangeException>(() =>
            kernels.MatMul<float>([], 0, new byte[16], new float[2], 2, 8, [], [], RtnFormat.Signed, default));

        error.ParamName.ShouldBe("m");
    }

    private void Check<T>(MatMulCase c)
        where T : unmanaged
    {
        var w = c.Weight;
        var weight = RtnReference.Quantize<T>(w.ValuesAs<T>(), w.Shape, w.Config, w.Format);
        var x = c.X.Select(Precision<T>.FromSingle).ToArray();
        var bias = c.Bias?.Select(Precision<T>.FromSingle).ToArray();
        var y = new T[c.M * w.Rows];

        fixture.Accelerator.KernelsFor(w.Config).MatMul<T>(x, c.M, weight.Packed, weight.Scales, w.Rows, w.Columns, bias ?? [], y, w.Format, default);

        MatMulReference.RelativeError(y, MatMulReference.EvaluateExact(weight, x, c.M, bias)).ShouldBeLessThanOrEqualTo(MatMulReference.Tolerance<T>());
    }
}
