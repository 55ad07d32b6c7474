namespace Rtn.Cli.Pipeline.Evaluation;

/// <summary>
/// How far an approximation is from a reference, accumulated in float64: signal energy
/// <c>Σx²</c>, noise energy <c>Σ(x − x̂)²</c> and the largest <c>|x − x̂|</c>. Sums combine,
/// so totals over a model are exact sums over its tensors.
/// </summary>
internal readonly record struct ErrorStatistics(double Signal, double Noise, double MaxAbsError, long Count)
{
    private const int Chunk = 1 << 20;

    /// <summary>Signal-to-quantization-noise ratio in dB, <c>10·log10(Σx² / Σ(x − x̂)²)</c>; infinite when exact.</summary>
    public double SqnrDb => Noise == 0 ? double.PositiveInfinity : 10 * Math.Log10(Signal / Noise);

    /// <summary>Relative Frobenius error <c>‖x − x̂‖ / ‖x‖</c>.</summary>
    public double RelativeError => Noise == 0 ? 0 : Math.Sqrt(Noise / Signal);

    public static ErrorStatistics operator +(ErrorStatistics a, ErrorStatistics b) =>
        new(a.Signal + b.Signal, a.Noise + b.Noise, Math.Max(a.MaxAbsError, b.MaxAbsError), a.Count + b.Count);

    /// <summary>Compares <paramref name="approximation"/> with <paramref name="reference"/>, in parallel chunks summed in a fixed order (the result does not depend on the thread count).</summary>
    public static ErrorStatistics Measure(float[] reference, float[] approximation)
    {
        if (reference.Length != approximation.Length)
        {
            throw new ArgumentException($"Cannot compare {reference.Length} values with {approximation.Length}.", nameof(approximation));
        }

        var chunks = new ErrorStatistics[(reference.Length + Chunk - 1) / Chunk];
        Parallel.For(0, chunks.Length, c =>
        {
            var start = c * Chunk;
            var end = Math.Min(reference.Length, start + Chunk);
            double signal = 0, noise = 0, max = 0;
            for (var i = start; i < end; i++)
            {
                double x = reference[i];
                var e = x - approximation[i];
                signal += x * x;
                noise += e * e;
                max = Math.Max(max, Math.Abs(e));
            }

            chunks[c] = new ErrorStatistics(signal, noise, max, end - start);
        });

        return chunks.Aggregate(default(ErrorStatistics), (total, chunk) => total + chunk);
    }
}
