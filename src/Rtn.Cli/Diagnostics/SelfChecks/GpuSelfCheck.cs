using System.Globalization;
using System.Runtime.InteropServices;
using Rtn.Gpu;

namespace Rtn.Cli.Diagnostics.SelfChecks;

/// <summary>
/// Runs every combination the libraries specialize, for every element type and both formats, on
/// an accelerator and compares the results with <see cref="RtnReference"/> computed on the host in
/// the same run: the check to make on a real GPU before timing anything.
/// </summary>
internal static class GpuSelfCheck
{
    private static readonly int[] GroupSizes = [32, 64, 128, 256, RtnConfig.PerRow];

    /// <summary>
    /// Checks a <paramref name="rows"/> × <paramref name="columns"/> weight (columns a multiple of
    /// 256) with a product of <paramref name="m"/> activation rows.
    /// </summary>
    public static IReadOnlyList<GpuSelfCheckRow> Run(RtnAccelerator accelerator, int rows = 256, int columns = 1024, int m = 4)
    {
        ArgumentNullException.ThrowIfNull(accelerator);
        if (columns % 256 != 0 || rows % 2 != 0)
        {
            throw new ArgumentException($"The check needs an even row count and columns divisible by 256, but got [{rows}, {columns}].");
        }

        var results = new List<GpuSelfCheckRow>();
        foreach (var bits in (int[])[4, 8])
        {
            foreach (var groupSize in GroupSizes)
            {
                var config = new RtnConfig(bits, groupSize);
                foreach (var format in (RtnFormat[])[RtnFormat.Signed, RtnFormat.Offset])
                {
                    results.Add(Check<float>(accelerator, config, format, rows, columns, m));
                    results.Add(Check<Half>(accelerator, config, format, rows, columns, m));
                    results.Add(Check<BFloat16>(accelerator, config, format, rows, columns, m));
                }
            }
        }

        return results;
    }

    private static GpuSelfCheckRow Check<T>(RtnAccelerator accelerator, RtnConfig config, RtnFormat format, int rows, int columns, int m)
        where T : unmanaged
    {
        var shape = WeightShape.Matrix(rows, columns);
        var kernels = accelerator.KernelsFor(config);
        var weights = Weights<T>(shape, seed: (config.Bits * 1000) + config.GroupSize);
        var x = Activations<T>(m * columns, seed: 7);

        var expected = RtnReference.Quantize<T>(weights, shape, config, format);
        var packed = new byte[expected.Packed.Length];
        var scales = new T[expected.Scales.Length];
        kernels.Quantize<T>(weights, rows, columns, packed, scales, format, default);
        var quantizeMatches = packed.AsSpan().SequenceEqual(expected.Packed) && SameBits<T>(scales, expected.Scales);

        var dense = new T[shape.ElementCount];
        kernels.Dequantize<T>(expected.Packed, expected.Scales, rows, columns, dense, format, default);
        var expectedDense = RtnReference.Dequantize(expected);
        var dequantizeMatches = SameBits<T>(dense, expectedDense);

        var y = new T[m * rows];
        kernels.MatMul<T>(x, m, expected.Packed, expected.Scales, rows, columns, ReadOnlySpan<T>.Empty, y, format, default);
        var error = RelativeError<T>(y, x, expectedDense, m, rows, columns);

        var name = string.Create(
            CultureInfo.InvariantCulture,
            $"{config.Name} {Precision<T>.Name} {format} {rows}x{columns} m={m}");
        return new GpuSelfCheckRow(name, quantizeMatches, dequantizeMatches, error, typeof(T) == typeof(float) ? 1e-5 : 1e-2);
    }

    /// <summary>‖y − x·W'ᵀ‖_F / ‖x·W'ᵀ‖_F with the reference in float64.</summary>
    private static double RelativeError<T>(T[] y, T[] x, T[] dense, int m, int rows, int columns)
        where T : unmanaged
    {
        var (error, norm) = (0d, 0d);
        for (var i = 0; i < m; i++)
        {
            for (var r = 0; r < rows; r++)
            {
                var sum = 0d;
                for (var c = 0; c < columns; c++)
                {
                    sum += (double)Precision<T>.ToSingle(x[(i * columns) + c]) * Precision<T>.ToSingle(dense[(r * columns) + c]);
                }

                var difference = Precision<T>.ToSingle(y[(i * rows) + r]) - sum;
                error += difference * difference;
                norm += sum * sum;
            }
        }

        return norm == 0 ? Math.Sqrt(error) : Math.Sqrt(error / norm);
    }

    /// <summary>
    /// Values shaped like a layer's, plus the cases the spec singles out: an all-zero group,
    /// half-integer ties, subnormals and an outlier, each in its own 256-column block.
    /// </summary>
    private static T[] Weights<T>(WeightShape shape, int seed)
        where T : unmanaged
    {
        var random = new Random(seed);
        var values = new T[shape.ElementCount];
        for (var i = 0; i < values.Length; i++)
        {
            var block = (i % shape.Columns / 256) + (i / shape.Columns % 5);
            var value = (block % 5) switch
            {
                0 => 0f,
                1 => random.Next(-15, 16) / 2f,
                2 => (float)(random.NextDouble() - 0.5) * 1e-6f * (typeof(T) == typeof(float) ? 1e-32f : 1f),
                3 => random.Next(97) == 0 ? 40f : (float)(random.NextDouble() - 0.5) * 0.1f,
                _ => (float)(random.NextDouble() - 0.5) * 0.05f,
            };
            values[i] = Precision<T>.FromSingle(value);
        }

        return values;
    }

    private static T[] Activations<T>(int count, int seed)
        where T : unmanaged
    {
        var random = new Random(seed);
        return [.. Enumerable.Range(0, count).Select(_ => Precision<T>.FromSingle((float)(random.NextDouble() - 0.5) * 2f))];
    }

    private static bool SameBits<T>(T[] actual, T[] expected)
        where T : unmanaged =>
        MemoryMarshal.AsBytes(actual.AsSpan()).SequenceEqual(MemoryMarshal.AsBytes(expected.AsSpan()));
}
