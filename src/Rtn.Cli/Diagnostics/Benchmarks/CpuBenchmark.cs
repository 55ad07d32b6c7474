using System.Diagnostics;
using System.Runtime.CompilerServices;
using Rtn.Cli.Samples;
using Rtn.Safetensors;

namespace Rtn.Cli.Diagnostics.Benchmarks;

/// <summary>What <c>rtn bench</c> measures.</summary>
/// <param name="Config">The combination whose kernels run.</param>
/// <param name="Format">The byte layout of the codes.</param>
/// <param name="DType">The weights' element type: F32, F16 or BF16.</param>
/// <param name="Rows">Rows of each matrix.</param>
/// <param name="Columns">Columns of each matrix.</param>
/// <param name="TotalBytes">Bytes of all dense matrices together, and of all quantized ones; the benchmark rotates through them so no cache holds its data.</param>
/// <param name="Seconds">Least time to spend on each measurement.</param>
/// <param name="Threads">Threads for kernels and baselines; 0 uses every core.</param>
/// <param name="Precisions">The product's modes to measure, each at m = 1.</param>
internal sealed record CpuBenchSettings(
    RtnConfig Config, RtnFormat Format, SafetensorsDType DType, int Rows, int Columns, long TotalBytes, double Seconds, int Threads, IReadOnlyList<MatMulPrecision> Precisions);

/// <summary>What a measurement is compared with.</summary>
internal enum BenchBaseline
{
    /// <summary>A parallel memory copy of the bytes: they are read and written, as quantize and dequantize do.</summary>
    Copy,

    /// <summary>A parallel read of the bytes: a product reads its weights once and writes almost nothing.</summary>
    Read,
}

/// <summary>
/// One operation's time per matrix next to the time its baseline takes over the bytes it must
/// stream (a copy of its input for quantize and of its output for dequantize, a read of the
/// packed weight and its scales for the product): the ratio says how far from memory-bound the kernel is.
/// </summary>
internal sealed record CpuBenchMeasurement(string Operation, long Bytes, long Weights, double Seconds, BenchBaseline Baseline, double BaselineSeconds, int Calls)
{
    public double GigabytesPerSecond => Bytes / Seconds / 1e9;

    public double BaselineGigabytesPerSecond => Bytes / BaselineSeconds / 1e9;

    public double WeightsPerSecond => Weights / Seconds;

    /// <summary>Kernel time over baseline time: 1 means as fast as the baseline moves the bytes.</summary>
    public double Ratio => Seconds / BaselineSeconds;
}

/// <summary>What the benchmark ran on and found.</summary>
/// <param name="Settings">What was asked for.</param>
/// <param name="Matrices">Dense matrices quantize and dequantize rotate through.</param>
/// <param name="QuantizedMatrices">Quantized matrices the product rotates through.</param>
/// <param name="Specialized">Whether the generated kernels of the combination ran.</param>
/// <param name="Tier">The widest vectors the kernels used.</param>
/// <param name="Threads">Threads for kernels and baselines.</param>
/// <param name="Measurements">One per operation.</param>
internal sealed record CpuBenchResult(CpuBenchSettings Settings, int Matrices, int QuantizedMatrices, bool Specialized, VectorTier Tier, int Threads, IReadOnlyList<CpuBenchMeasurement> Measurements);

/// <summary>
/// Times the CPU kernels on F32, F16 or BF16 matrices against a plain memory copy (quantize,
/// dequantize) or read (the product) of the same bytes, in the same run. The dense matrices
/// together exceed any cache (512 MiB by default), and so do the quantized ones the product
/// reads; each call takes the next one, so every measurement streams from memory, as
/// quantizing or serving a model does.
/// </summary>
internal static class CpuBenchmark
{
    public static CpuBenchResult Run(CpuBenchSettings settings, Action<string>? status = null) => settings.DType switch
    {
        SafetensorsDType.F32 => Run<float>(settings, status),
        SafetensorsDType.F16 => Run<Half>(settings, status),
        SafetensorsDType.BF16 => Run<BFloat16>(settings, status),
        _ => throw new ArgumentException($"RTN kernels run on F32, F16 or BF16 weights, not {settings.DType.HeaderName()}.", nameof(settings)),
    };

    private static CpuBenchResult Run<T>(CpuBenchSettings settings, Action<string>? status)
        where T : unmanaged
    {
        var (rows, columns, config) = (settings.Rows, settings.Columns, settings.Config);
        var shape = WeightShape.Matrix(rows, columns);
        var groupSize = config.Validate(shape);
        var options = new KernelOptions { MaxThreads = settings.Threads };
        var threads = options.ResolveThreads();
        var kernels = RtnKernels.For(config);
        var size = Unsafe.SizeOf<T>();
        var denseBytes = (long)shape.ElementCount * size;
        var count = (int)Math.Max(2, (settings.TotalBytes + denseBytes - 1) / denseBytes);

        status?.Invoke($"Generating {count} {Precision<T>.Name} matrices [{rows}, {columns}] ...");
        var dense = new T[count][];
        var packed = new byte[count][];
        var scales = new T[count][];
        for (var i = 0; i < count; i++)
        {
            // Every matrix holds the same values (generating Gaussians is slower than the
            // kernels), but each has its own memory, so no call finds another's data in a cache.
            dense[i] = new T[shape.ElementCount];
            if (i == 0)
            {
                SampleWeights.Fill(dense[0], rows, columns, seed: 0, deviation: 0.02f);
            }
            else
            {
                dense[0].CopyTo(dense[i], 0);
            }

            // Touch every page now, so no measurement pays for first-touch page faults.
            packed[i] = WeightArrays.Allocate<byte>(QuantizedWeight<T>.PackedLength(config.Bits, shape));
            packed[i].AsSpan().Fill(0x11);
            scales[i] = WeightArrays.Allocate<T>(shape.ElementCount / groupSize);
            scales[i].AsSpan().Fill(Precision<T>.FromSingle(0.01f));
        }

        var x = new T[columns];
        SampleWeights.Fill(x, 1, columns, seed: -1, deviation: 1);
        var y = new T[rows];
        var packedBytes = packed[0].Length + ((long)scales[0].Length * size);
        var measurements = new List<CpuBenchMeasurement>();

        status?.Invoke("Measuring quantize ...");
        measurements.Add(Measure("quantize", denseBytes, shape.ElementCount, settings.Seconds, count,
            i => kernels.Quantize<T>(dense[i], rows, columns, packed[i], scales[i], settings.Format, options),
            BenchBaseline.Copy, i => ParallelCopy(dense[i], dense[(i + 1) % count], threads)));

        status?.Invoke("Measuring dequantize ...");
        measurements.Add(Measure("dequantize", denseBytes, shape.ElementCount, settings.Seconds, count,
            i => kernels.Dequantize<T>(packed[i], scales[i], rows, columns, dense[i], settings.Format, options),
            BenchBaseline.Copy, i => ParallelCopy(dense[i], dense[(i + 1) % count], threads)));

        // The product reads only the packed weight, a fraction of the dense one, so it rotates
        // through copies of the quantized matrices until they too exceed any cache.
        var weightCount = (int)Math.Max(count, (settings.TotalBytes + packedBytes - 1) / packedBytes);
        status?.Invoke($"Copying to {weightCount} quantized matrices ...");
        var (rotatedPacked, rotatedScales) = (new byte[weightCount][], new T[weightCount][]);
        for (var i = 0; i < weightCount; i++)
        {
            (rotatedPacked[i], rotatedScales[i]) = i < count ? (packed[i], scales[i]) : (Copy(packed[i % count]), Copy(scales[i % count]));
        }

        foreach (var precision in settings.Precisions)
        {
            var name = ProductName(precision);
            status?.Invoke($"Measuring {name} ...");
            var mode = options with { Precision = precision };
            measurements.Add(Measure(name, packedBytes, shape.ElementCount, settings.Seconds, weightCount,
                i => kernels.MatMul<T>(x, 1, rotatedPacked[i], rotatedScales[i], rows, columns, ReadOnlySpan<T>.Empty, y, settings.Format, mode),
                BenchBaseline.Read, i => ParallelRead.Run(rotatedPacked[i], rotatedScales[i], threads)));
        }

        return new CpuBenchResult(settings, count, weightCount, kernels.IsSpecialized, options.ResolveTier(), threads, measurements);
    }

    /// <summary>A copy in the memory the layers give their weights (<see cref="WeightArrays"/>).</summary>
    private static TElement[] Copy<TElement>(TElement[] source)
        where TElement : unmanaged
    {
        var copy = WeightArrays.Allocate<TElement>(source.Length);
        source.CopyTo(copy, 0);
        return copy;
    }

    /// <summary>The product's row in the report: "matmul m=1", with "int8 activations" when it quantizes them.</summary>
    public static string ProductName(MatMulPrecision precision) =>
        precision == MatMulPrecision.Int8Activations ? "matmul m=1 int8 activations" : "matmul m=1";

    /// <summary>
    /// Runs <paramref name="operation"/> and <paramref name="baseline"/> alternately on successive
    /// matrices (one untimed call each first) until the operation has had <paramref name="seconds"/>
    /// and at least three calls. Alternating keeps both under the same conditions (clock, other
    /// load) over the run. The baseline takes the matrix half the rotation away from the
    /// operation's, so neither finds in a cache what the other just streamed.
    /// </summary>
    private static CpuBenchMeasurement Measure(string name, long bytes, long weights, double seconds, int count, Action<int> operation, BenchBaseline kind, Action<int> baseline)
    {
        operation(0);
        baseline(count / 2);
        var (operationTime, baselineTime) = (TimeSpan.Zero, TimeSpan.Zero);
        var calls = 0;
        while (operationTime.TotalSeconds < seconds || calls < 3)
        {
            var i = (calls + 1) % count;
            var start = Stopwatch.GetTimestamp();
            operation(i);
            operationTime += Stopwatch.GetElapsedTime(start);
            start = Stopwatch.GetTimestamp();
            baseline((i + (count / 2)) % count);
            baselineTime += Stopwatch.GetElapsedTime(start);
            calls++;
        }

        return new CpuBenchMeasurement(name, bytes, weights, operationTime.TotalSeconds / calls, kind, baselineTime.TotalSeconds / calls, calls);
    }

    /// <summary>A memory copy split over <paramref name="threads"/> threads, as the kernels split their work.</summary>
    private static void ParallelCopy<T>(T[] source, T[] destination, int threads)
    {
        var chunk = (source.Length + threads - 1) / threads;
        Parallel.For(0, threads, new ParallelOptions { MaxDegreeOfParallelism = threads }, t =>
        {
            var start = t * chunk;
            var size = Math.Min(chunk, source.Length - start);
            if (size > 0)
            {
                source.AsSpan(start, size).CopyTo(destination.AsSpan(start, size));
            }
        });
    }
}
