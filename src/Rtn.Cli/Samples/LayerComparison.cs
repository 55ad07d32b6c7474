using System.Diagnostics;
using System.Numerics.Tensors;
using Rtn.Cli.Pipeline.Formats;
using Rtn.Layers;
using Rtn.Safetensors;

namespace Rtn.Cli.Samples;

/// <summary>One way of computing a layer's output: its time per call and how far its output is from the dense fp32 one.</summary>
internal sealed record LayerTiming(string Path, string Weights, long WeightBytes, double SecondsPerCall, double RelativeError);

/// <summary>
/// Runs a fused gate/up projection (two partitions, loaded one at a time from the original
/// checkpoint as vLLM loads them) quantized next to the same layer in dense fp32.
/// </summary>
internal static class LayerComparison
{
    private const double SecondsPerMeasurement = 0.2;

    public static IReadOnlyList<LayerTiming> Run(SafetensorsCheckpoint original, string gateName, string upName, IEnumerable<RtnConfig> configs, KernelOptions options, CancellationToken cancellation)
    {
        var (gateFile, gate) = original[gateName];
        var (upFile, up) = original[upName];
        var (rows, columns) = ((int)gate.Shape[0], (int)gate.Shape[1]);
        var outputSize = rows + (int)up.Shape[0];

        var x = new BFloat16[columns];
        SampleWeights.Fill(x, 1, columns, seed: 7, deviation: 1);
        var xWide = new float[columns];
        BFloat16.ConvertToSingle(x, xWide);

        var dense = new float[(long)outputSize * columns];
        BFloat16.ConvertToSingle(gateFile.GetValues<BFloat16>(gate), dense.AsSpan(0, rows * columns));
        BFloat16.ConvertToSingle(upFile.GetValues<BFloat16>(up), dense.AsSpan(rows * columns));
        // The dense path gets the kernels' threads too, so the comparison is of the formats, not of threading.
        var threads = options.ResolveThreads();
        var rowsPerThread = (outputSize + threads - 1) / threads;
        var expected = new float[outputSize];
        void DenseForward() =>
            Parallel.For(0, threads, new ParallelOptions { MaxDegreeOfParallelism = threads }, t =>
            {
                for (var r = t * rowsPerThread; r < Math.Min(outputSize, (t + 1) * rowsPerThread); r++)
                {
                    expected[r] = TensorPrimitives.Dot(dense.AsSpan(r * columns, columns), xWide);
                }
            });

        var timings = new List<LayerTiming>
        {
            new($"dense fp32 (TensorPrimitives.Dot, {threads} thread(s))", $"F32 [{outputSize}, {columns}]", dense.LongLength * 4, Time(DenseForward, cancellation), 0),
        };

        foreach (var config in configs)
        {
            var layer = new RtnLinear<BFloat16>(columns, [rows, (int)up.Shape[0]], config, name: "gate_up_proj") { Options = options };
            layer.LoadPartition(0, gateFile.GetValues<BFloat16>(gate));
            layer.LoadPartition(1, upFile.GetValues<BFloat16>(up));
            var y = new BFloat16[outputSize];
            var seconds = Time(() => layer.Forward(x, 1, y), cancellation);
            var yWide = new float[outputSize];
            BFloat16.ConvertToSingle(y, yWide);
            var bytes = layer.Weight.Packed.LongLength + (layer.Weight.Scales.LongLength * 2);
            timings.Add(new LayerTiming(
                $"RtnLinear<BFloat16> {config.Name} (fused kernel)",
                $"packed {QuantizedTensor.Dims(layer.Weight.PackedShape)} + scales {QuantizedTensor.Dims(layer.Weight.ScaleShape)}",
                bytes,
                seconds,
                RelativeError(yWide, expected)));
        }

        return timings;
    }

    private static double Time(Action call, CancellationToken cancellation)
    {
        call();
        var calls = 0;
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed.TotalSeconds < SecondsPerMeasurement || calls < 5)
        {
            cancellation.ThrowIfCancellationRequested();
            call();
            calls++;
        }

        return clock.Elapsed.TotalSeconds / calls;
    }

    private static double RelativeError(float[] actual, float[] expected)
    {
        double difference = 0, norm = 0;
        for (var i = 0; i < actual.Length; i++)
        {
            var d = (double)actual[i] - expected[i];
            difference += d * d;
            norm += (double)expected[i] * expected[i];
        }

        return Math.Sqrt(difference / norm);
    }
}
