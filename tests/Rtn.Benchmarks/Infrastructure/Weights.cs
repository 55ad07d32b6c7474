namespace Rtn.Benchmarks.Infrastructure;

/// <summary>Deterministic benchmark inputs.</summary>
public static class Weights
{
    /// <summary>Normal values with a spread like a trained layer's (σ ≈ 0.02).</summary>
    public static float[] Normal(int count, int seed)
    {
        var random = new Random(seed);
        var values = new float[count];
        for (var i = 0; i < count; i++)
        {
            values[i] = 0.02f * (float)(Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble()));
        }

        return values;
    }

    /// <summary>Splits <paramref name="count"/> items into one contiguous range per core and runs them in parallel.</summary>
    public static void OnAllCores(int count, Action<int, int> range)
    {
        var parts = Environment.ProcessorCount;
        Parallel.For(0, parts, part => range((int)((long)part * count / parts), (int)((long)(part + 1) * count / parts)));
    }
}
