using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace Rtn.Tests.Reference;

/// <summary>y = x · W'ᵀ + bias, against a float64 evaluation within the spec's tolerance.</summary>
public class LinearTests
{
    [Fact]
    public void Linear_TwoByFourWeight_GivesRowSumsPlusBias()
    {
        // W = [7.5, -7.5, 2.5, 3.5; -1, 0, 7.5, -3] quantizes with s = 1 to W' = [7, -8, 2, 4; -1, 0, 7, -3]
        // (PackingTests). x = [1, 1, 1, 1; 1, 0, 0, 2]:
        //   y[0] = [7 - 8 + 2 + 4, -1 + 0 + 7 - 3] + [0.5, -1] = [5.5, 2]
        //   y[1] = [7 + 8,         -1 - 6]         + [0.5, -1] = [15.5, -8]
        var weight = RtnReference.Quantize<float>(
            [7.5f, -7.5f, 2.5f, 3.5f, -1f, 0f, 7.5f, -3f], WeightShape.Matrix(2, 4), new RtnConfig(4, 4));

        var y = RtnReference.Linear<float>([1, 1, 1, 1, 1, 0, 0, 2], 2, weight, [0.5f, -1f]);

        y.ShouldBe([5.5f, 2f, 15.5f, -8f]);
        RtnReference.Linear<float>([1, 1, 1, 1, 1, 0, 0, 2], 2, weight).ShouldBe([5f, 3f, 15f, -7f]);
    }

    [Property(MaxTest = 200)]
    public Property Linear_WithoutBias_MatchesFloat64WithinTolerance() =>
        Prop.ForAll(WeightGen.LinearCases(withBias: false), linear => linear.Weight.Run(new MatchesFloat64(linear)));

    [Property(MaxTest = 200)]
    public Property Linear_WithBias_MatchesFloat64WithinTolerance() =>
        Prop.ForAll(WeightGen.LinearCases(withBias: true), linear => linear.Weight.Run(new MatchesFloat64(linear)));

    [Fact]
    public void Linear_StackedWeight_IsRejected()
    {
        var weight = RtnReference.Quantize<float>(new float[16], WeightShape.Stack(2, 2, 4), new RtnConfig(8, 4));

        Should.Throw<ArgumentException>(() => RtnReference.Linear<float>(new float[4], 1, weight))
            .Message.ShouldContain("[2, 2, 4]");
    }

    [Theory]
    [InlineData(1, 3)]
    [InlineData(2, 4)]
    [InlineData(0, 0)]
    public void Linear_ActivationsNotBatchByColumns_AreRejected(int batch, int length)
    {
        var weight = RtnReference.Quantize<float>(new float[8], WeightShape.Matrix(2, 4), new RtnConfig(8, 4));

        Should.Throw<ArgumentException>(() => RtnReference.Linear<float>(new float[length], batch, weight))
            .Message.ShouldContain($"m = {batch} and {length} values");
    }

    [Fact]
    public void Linear_BiasNotOnePerRow_IsRejected()
    {
        var weight = RtnReference.Quantize<float>(new float[8], WeightShape.Matrix(2, 4), new RtnConfig(8, 4));

        Should.Throw<ArgumentException>(() => RtnReference.Linear<float>(new float[4], 1, weight, new float[3]))
            .Message.ShouldContain("2 values (one per output row), but has 3");
    }

    /// <summary>
    /// ‖y − y64‖ / ‖y64‖ (Frobenius) ≤ 1e-5 for fp32 and 1e-2 for fp16/bf16, where y64 sums
    /// x·W' + bias in float64 from the very same T values of x, W' and bias.
    /// </summary>
    private sealed class MatchesFloat64(LinearCase linear) : IWeightCheck
    {
        public void Check<T>(WeightCase weight, T[] values)
            where T : unmanaged
        {
            var (rows, columns, batch) = (weight.Shape.Rows, weight.Shape.Columns, linear.Batch);
            var quantized = RtnReference.Quantize<T>(values, weight.Shape, weight.Config);
            var dense = RtnReference.Dequantize(quantized).Select(Precision<T>.ToSingle).ToArray();
            var x = linear.Activations.Select(Precision<T>.FromSingle).ToArray();
            T[] bias = linear.Bias is null ? [] : [.. linear.Bias.Select(Precision<T>.FromSingle)];

            var y = RtnReference.Linear<T>(x, batch, quantized, bias);

            y.Length.ShouldBe(batch * rows);
            double differenceSquared = 0, referenceSquared = 0;
            for (var i = 0; i < batch; i++)
            {
                for (var r = 0; r < rows; r++)
                {
                    double expected = linear.Bias?[r] ?? 0;
                    for (var c = 0; c < columns; c++)
                    {
                        expected += (double)linear.Activations[(i * columns) + c] * dense[(r * columns) + c];
                    }

                    var difference = Precision<T>.ToSingle(y[(i * rows) + r]) - expected;
                    differenceSquared += difference * difference;
                    referenceSquared += expected * expected;
                }
            }

            var tolerance = weight.Kind == ElementKind.Single ? 1e-5 : 1e-2;
            Math.Sqrt(differenceSquared).ShouldBeLessThanOrEqualTo(tolerance * Math.Sqrt(referenceSquared));
        }
    }
}
