namespace Rtn.Tests.Kernels;

/// <summary>
/// Weights built group by group from a seed. Every group has one magnitude, at any exponent the
/// type allows, and one kind: ordinary values, negative only, one outlier, all zeros, values whose
/// exponents scatter over the whole range (sparse codes), subnormals, values near the type's
/// largest, exact ties of the code rounding, or one repeated value.
/// </summary>
public static class RandomWeights
{
    /// <summary>
    /// With <paramref name="extremes"/> false only the first four kinds, the ones a trained layer
    /// has, so that products of them are well conditioned.
    /// </summary>
    public static T[] Generate<T>(int rows, int columns, int g, int bits, Random random, bool extremes = true)
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

    /// <summary>Activations: normal values around 1.</summary>
    public static T[] Activations<T>(int count, Random random)
        where T : unmanaged
    {
        var values = new T[count];
        for (var i = 0; i < count; i++)
        {
            values[i] = Precision<T>.FromSingle((float)Gaussian(random));
        }

        return values;
    }

    private static float Largest<T>()
        where T : unmanaged =>
        typeof(T) == typeof(Half) ? 65504f : typeof(T) == typeof(BFloat16) ? (float)BFloat16.MaxValue : float.MaxValue;

    private static float Smallest<T>()
        where T : unmanaged =>
        typeof(T) == typeof(Half) ? MathF.Pow(2, -24) : typeof(T) == typeof(BFloat16) ? MathF.Pow(2, -133) : float.Epsilon;

    private static double Gaussian(Random random) =>
        Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
}
