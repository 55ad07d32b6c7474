using System.Runtime.InteropServices;

namespace Rtn.Consumer.Tests;

/// <summary>Weight matrices drawn from a seed: groups of very different magnitudes, some all zero.</summary>
internal static class RandomWeights
{
    public static T[] Draw<T>(int seed, WeightShape shape, int groupSize, Func<float, T> convert)
    {
        var random = new Random(seed);
        var weights = new T[shape.ElementCount];
        for (var start = 0; start < weights.Length; start += groupSize)
        {
            // One group in eight is all zero: the spec's s = 0 rule.
            var magnitude = random.Next(8) == 0 ? 0f : MathF.Pow(10f, (float)((random.NextDouble() * 6) - 3));
            for (var i = start; i < start + groupSize; i++)
            {
                weights[i] = convert((float)((random.NextDouble() * 2) - 1) * magnitude);
            }
        }

        return weights;
    }

    /// <summary>The values' bit patterns, so that -0 and 0 (or two NaNs) are told apart.</summary>
    public static byte[] Bytes<T>(T[] values)
        where T : unmanaged => MemoryMarshal.AsBytes(values.AsSpan()).ToArray();
}
