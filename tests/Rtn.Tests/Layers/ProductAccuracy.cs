namespace Rtn.Tests.Layers;

/// <summary>Seeded weights shaped like a trained layer's: mostly small, a few large, some all-zero groups.</summary>
public static class TestWeights
{
    public static T[] Create<T>(int seed, int count)
        where T : unmanaged
    {
        var random = new Random(seed);
        var values = new T[count];
        for (var i = 0; i < count; i++)
        {
            var roll = random.NextDouble();
            var value = roll < 0.05 ? 0d
                : roll < 0.08 ? Gaussian(random) * 2
                : Gaussian(random) * 0.02;
            values[i] = Precision<T>.FromSingle((float)value);
        }

        // An all-zero stretch exercises the zero-group rule whenever it covers a group.
        if (count >= 8 && random.Next(3) == 0)
        {
            values.AsSpan(random.Next(count - 8), 8).Clear();
        }

        return values;
    }

    public static double Gaussian(Random random) =>
        Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());

    /// <summary>
    /// How far a product's output is from the expected one, relative to the size of the terms it
    /// sums: <c>‖actual − expected‖ / ‖|x|·|W'|ᵀ + |bias|‖</c>, in float64. Unlike the error
    /// relative to <c>‖expected‖</c>, this does not blow up when a tiny output cancels to almost
    /// nothing (where fp32 accumulation and a final rounding to fp16 or bf16 legitimately differ
    /// by an ulp of a much larger number), yet a wrong row or scale shows at full size.
    /// </summary>
    public static double ProductError<T>(ReadOnlySpan<T> actual, ReadOnlySpan<T> expected, ReadOnlySpan<T> x, int m, QuantizedWeight<T> weight, ReadOnlySpan<T> bias = default)
        where T : unmanaged
    {
        var (rows, columns) = (weight.Shape.Rows, weight.Shape.Columns);
        actual.Length.ShouldBe(m * rows);
        expected.Length.ShouldBe(m * rows);
        var dense = RtnReference.Dequantize(weight);
        double difference = 0, size = 0;
        for (var i = 0; i < m; i++)
        {
            for (var r = 0; r < rows; r++)
            {
                var magnitude = bias.IsEmpty ? 0d : Math.Abs(Precision<T>.ToSingle(bias[r]));
                for (var c = 0; c < columns; c++)
                {
                    magnitude += Math.Abs((double)Precision<T>.ToSingle(x[(i * columns) + c]) * Precision<T>.ToSingle(dense[(r * columns) + c]));
                }

                var d = (double)Precision<T>.ToSingle(actual[(i * rows) + r]) - Precision<T>.ToSingle(expected[(i * rows) + r]);
                difference += d * d;
                size += magnitude * magnitude;
            }
        }

        return size == 0 ? Math.Sqrt(difference) : Math.Sqrt(difference / size);
    }

    /// <summary>The spec's bound on a product's relative error: 1e-5 for fp32, 1e-2 for fp16/bf16 outputs.</summary>
    public static double ProductTolerance<T>() => typeof(T) == typeof(float) ? 1e-5 : 1e-2;
}
