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

    /// <summary>‖actual − expected‖ / ‖expected‖ over all values, in float64.</summary>
    public static double RelativeError<T>(ReadOnlySpan<T> actual, ReadOnlySpan<T> expected)
        where T : unmanaged
    {
        actual.Length.ShouldBe(expected.Length);
        double difference = 0, norm = 0;
        for (var i = 0; i < actual.Length; i++)
        {
            var e = (double)Precision<T>.ToSingle(expected[i]);
            var d = Precision<T>.ToSingle(actual[i]) - e;
            difference += d * d;
            norm += e * e;
        }

        return norm == 0 ? Math.Sqrt(difference) : Math.Sqrt(difference / norm);
    }

    /// <summary>The spec's bound on a product's relative error: 1e-5 for fp32, 1e-2 for fp16/bf16 outputs.</summary>
    public static double ProductTolerance<T>() => typeof(T) == typeof(float) ? 1e-5 : 1e-2;
}
