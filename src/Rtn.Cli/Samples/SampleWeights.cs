namespace Rtn.Cli.Samples;

/// <summary>
/// Seeded weights that look like a trained transformer's to RTN: Gaussian with a small
/// standard deviation, plus a few input channels (columns) several times larger, the outliers
/// that make one scale per group cost precision for the group's other values.
/// </summary>
internal static class SampleWeights
{
    /// <summary>Fills a row-major <c>[rows, columns]</c> matrix of F32, F16 or BF16 values; rows are generated in parallel, each from its own seed, so the result does not depend on the thread count.</summary>
    public static void Fill<T>(T[] matrix, int rows, int columns, int seed, float deviation, double outlierFraction = 0.005, float outlierGain = 6)
        where T : unmanaged
    {
        var gains = OutlierGains(columns, seed, outlierFraction, outlierGain);
        Parallel.For(0, rows, row =>
        {
            var random = new Random(unchecked((seed * 7919) + row));
            var values = matrix.AsSpan(row * columns, columns);
            for (var c = 0; c < columns; c++)
            {
                values[c] = Precision<T>.FromSingle((float)(Gaussian(random) * deviation * gains[c]));
            }
        });
    }

    /// <summary>A 1-D weight near one, like a trained norm's scale.</summary>
    public static BFloat16[] NearOne(int count, int seed)
    {
        var random = new Random(seed);
        return [.. Enumerable.Range(0, count).Select(_ => (BFloat16)(float)(1 + (0.05 * Gaussian(random))))];
    }

    public static double Gaussian(Random random) =>
        Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());

    private static float[] OutlierGains(int columns, int seed, double fraction, float gain)
    {
        var random = new Random(seed ^ 0x5EED);
        var gains = new float[columns];
        for (var c = 0; c < columns; c++)
        {
            gains[c] = random.NextDouble() < fraction ? gain : 1;
        }

        return gains;
    }
}
