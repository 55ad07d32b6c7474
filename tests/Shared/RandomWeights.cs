namespace Rtn.Testing;

/// <summary>
/// Seeded weights and activations for the tests: plain normal or uniform values, weights shaped
/// like a trained layer's, and weights drawn group by group, either with very different
/// magnitudes per group or with one edge case per group.
/// </summary>
public static class RandomWeights
{
    /// <summary>Normal values with mean 0.</summary>
    public static T[] Normal<T>(int count, Random random, double deviation = 1)
        where T : unmanaged
    {
        var values = new T[count];
        for (var i = 0; i < count; i++)
        {
            values[i] = Precision<T>.FromSingle((float)(Gaussian(random) * deviation));
        }

        return values;
    }

    /// <summary>Uniform values in <c>[−halfWidth, halfWidth)</c>.</summary>
    public static T[] Uniform<T>(int count, Random random, float halfWidth = 0.5f)
        where T : unmanaged
    {
        var values = new T[count];
        for (var i = 0; i < count; i++)
        {
            values[i] = Precision<T>.FromSingle(((float)random.NextDouble() - 0.5f) * (2 * halfWidth));
        }

        return values;
    }

    /// <summary>
    /// Values shaped like a trained layer's: normal with deviation 0.02, one in twenty zero, about
    /// three in a hundred outliers a hundred times larger, and in one call of three a run of eight
    /// zeros, which makes an all-zero group whenever it covers one.
    /// </summary>
    public static T[] LayerLike<T>(int seed, int count)
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

        if (count >= 8 && random.Next(3) == 0)
        {
            values.AsSpan(random.Next(count - 8), 8).Clear();
        }

        return values;
    }

    /// <summary>
    /// Uniform values group by group, each group with its own magnitude between 10^-3 and 10^3,
    /// and one group in eight all zero (the zero-group rule).
    /// </summary>
    public static T[] GroupMagnitudes<T>(int seed, int count, int groupSize)
        where T : unmanaged
    {
        var random = new Random(seed);
        var values = new T[count];
        for (var start = 0; start < count; start += groupSize)
        {
            var magnitude = random.Next(8) == 0 ? 0f : MathF.Pow(10f, (float)((random.NextDouble() * 6) - 3));
            for (var i = start; i < start + groupSize; i++)
            {
                values[i] = Precision<T>.FromSingle((float)((random.NextDouble() * 2) - 1) * magnitude);
            }
        }

        return values;
    }

    /// <summary>
    /// Weights built group by group. Every group has one magnitude, at any exponent the type
    /// allows, and one kind: ordinary values, negative only, one outlier, all zeros, values whose
    /// exponents scatter over the whole range (sparse codes), subnormals, values near the type's
    /// largest, exact ties of the code rounding, or one repeated value. With
    /// <paramref name="extremes"/> false only the first four kinds, the ones a trained layer has,
    /// so that products of them are well conditioned.
    /// </summary>
    public static T[] GroupKinds<T>(int rows, int columns, int g, int bits, Random random, bool extremes = true)
        where T : unmanaged
    {
        var values = new T[rows * columns];
        var (minExponent, maxExponent) = typeof(T) == typeof(Half) ? (-14, 15) : (-126, 127);
        for (var start = 0; start < values.Length; start += g)
        {
            var kind = random.Next(extremes ? 9 : 4);
            var scale = MathF.Pow(2, random.Next(minExponent + 4, maxExponent - 12));
            for (var i = 0; i < g; i++)
            {
                values[start + i] = Precision<T>.FromSingle(kind switch
                {
                    0 => (float)Gaussian(random) * scale,
                    1 => -MathF.Abs((float)Gaussian(random) * scale),
                    2 => (float)Gaussian(random) * scale,
                    3 => random.Next(2) == 0 ? 0f : -0f,
                    4 => (float)Gaussian(random) * MathF.Pow(2, random.Next(minExponent + 4, maxExponent - 12)),
                    5 => random.Next(-1000, 1001) * Smallest<T>(),
                    6 => (random.Next(2) == 0 ? -1 : 1) * Largest<T>() * (float)(0.5 + (random.NextDouble() / 2)),
                    7 => bits == 4 ? (2 * random.Next(-8, 8)) + 1 : random.Next(-128, 128) + 0.5f,
                    _ => 3.25f * scale,
                });
            }

            if (kind == 2)
            {
                // One value 1000 times the group's typical size: every other code rounds toward 0.
                var outlier = start + random.Next(g);
                values[outlier] = Precision<T>.FromSingle(Math.Clamp(Precision<T>.ToSingle(values[outlier]) * 1000f, -Largest<T>(), Largest<T>()));
            }
        }

        return values;
    }

    /// <summary>A standard normal draw (Box–Muller).</summary>
    public static double Gaussian(Random random) =>
        Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());

    private static float Largest<T>()
        where T : unmanaged =>
        typeof(T) == typeof(Half) ? 65504f : typeof(T) == typeof(BFloat16) ? (float)BFloat16.MaxValue : float.MaxValue;

    private static float Smallest<T>()
        where T : unmanaged =>
        typeof(T) == typeof(Half) ? MathF.Pow(2, -24) : typeof(T) == typeof(BFloat16) ? MathF.Pow(2, -133) : float.Epsilon;
}
