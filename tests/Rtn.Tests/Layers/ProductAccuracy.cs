namespace Rtn.Tests.Layers;

/// <summary>How close a product comes to the reference's, and how close it must come.</summary>
public static class ProductAccuracy
{
    /// <summary>
    /// How far a product's output is from the expected one, relative to the size of the terms it
    /// sums: <c>‖actual − expected‖ / ‖|x|·|W'|ᵀ + |bias|‖</c>, in float64. Unlike the error
    /// relative to <c>‖expected‖</c>, this does not blow up when a tiny output cancels to almost
    /// nothing (where fp32 accumulation and a final rounding to fp16 or bf16 legitimately differ
    /// by an ulp of a much larger number), yet a wrong row or scale shows at full size.
    /// </summary>
    public static double Error<T>(ReadOnlySpan<T> actual, ReadOnlySpan<T> expected, ReadOnlySpan<T> x, int m, QuantizedWeight<T> weight, ReadOnlySpan<T> bias = default)
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
    public static double Tolerance<T>() => typeof(T) == typeof(float) ? 1e-5 : 1e-2;
}
