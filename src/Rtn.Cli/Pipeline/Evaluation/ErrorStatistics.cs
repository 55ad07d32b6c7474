using System.Runtime.Intrinsics;

namespace Rtn.Cli.Pipeline.Evaluation;

/// <summary>
/// How far an approximation is from a reference, accumulated in float64: signal energy
/// <c>Σx²</c>, noise energy <c>Σ(x − x̂)²</c> and the largest <c>|x − x̂|</c>. Sums combine,
/// so totals over a model are exact sums over its tensors.
/// </summary>
internal readonly record struct ErrorStatistics(double Signal, double Noise, double MaxAbsError, long Count)
{
    /// <summary>Signal-to-quantization-noise ratio in dB, <c>10·log10(Σx² / Σ(x − x̂)²)</c>; infinite when exact.</summary>
    public double SqnrDb => Noise == 0 ? double.PositiveInfinity : 10 * Math.Log10(Signal / Noise);

    /// <summary>Relative Frobenius error <c>‖x − x̂‖ / ‖x‖</c>.</summary>
    public double RelativeError => Noise == 0 ? 0 : Math.Sqrt(Noise / Signal);

    public static ErrorStatistics operator +(ErrorStatistics a, ErrorStatistics b) =>
        new(a.Signal + b.Signal, a.Noise + b.Noise, Math.Max(a.MaxAbsError, b.MaxAbsError), a.Count + b.Count);

    /// <summary>
    /// These statistics with the first <paramref name="length"/> values of <paramref name="approximation"/>
    /// compared with <paramref name="reference"/> added, in units of <paramref name="unitLength"/>
    /// consecutive values (the last may be shorter). Each unit is summed on its own, in parallel,
    /// and the units are added to the total one by one, in order: so a tensor compared in slices
    /// of whole units, each added to the total of the slices before it, gives the same sums to the
    /// last bit as the tensor compared at once, whatever the slice size and the thread count.
    /// </summary>
    public ErrorStatistics Including(float[] reference, float[] approximation, int length, int unitLength)
    {
        if (length > reference.Length || length > approximation.Length)
        {
            throw new ArgumentException($"Cannot compare {length} values of {reference.Length} with {approximation.Length}.", nameof(length));
        }

        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(unitLength);
        var units = new ErrorStatistics[(length + (long)unitLength - 1) / unitLength];
        Parallel.For(0, units.Length, u =>
        {
            var start = u * unitLength;
            var end = (int)Math.Min(length, (long)start + unitLength);
            units[u] = Measure(reference.AsSpan(start, end - start), approximation.AsSpan(start, end - start));
        });

        return units.Aggregate(this, (total, unit) => total + unit);
    }

    /// <summary>
    /// One unit, in two float64 lanes per sum: a fixed width rather than the machine's widest,
    /// so that every machine adds in the same order and reports the same numbers, and one that
    /// x64 and Arm64 alike run in hardware.
    /// </summary>
    private static ErrorStatistics Measure(ReadOnlySpan<float> reference, ReadOnlySpan<float> approximation)
    {
        var (signal, noise, max) = (Vector128<double>.Zero, Vector128<double>.Zero, Vector128<double>.Zero);
        var i = 0;
        for (; i <= reference.Length - Vector128<float>.Count; i += Vector128<float>.Count)
        {
            var (xLow, xHigh) = Vector128.Widen(Vector128.Create(reference.Slice(i, Vector128<float>.Count)));
            var (yLow, yHigh) = Vector128.Widen(Vector128.Create(approximation.Slice(i, Vector128<float>.Count)));
            var (eLow, eHigh) = (xLow - yLow, xHigh - yHigh);
            signal += (xLow * xLow) + (xHigh * xHigh);
            noise += (eLow * eLow) + (eHigh * eHigh);
            max = Vector128.Max(max, Vector128.Max(Vector128.Abs(eLow), Vector128.Abs(eHigh)));
        }

        var (signalSum, noiseSum, maxError) = (Lanes(signal), Lanes(noise), Math.Max(max[0], max[1]));
        for (; i < reference.Length; i++)
        {
            double x = reference[i];
            var e = x - approximation[i];
            signalSum += x * x;
            noiseSum += e * e;
            maxError = Math.Max(maxError, Math.Abs(e));
        }

        return new ErrorStatistics(signalSum, noiseSum, maxError, reference.Length);
    }

    private static double Lanes(Vector128<double> sums) => sums[0] + sums[1];
}
