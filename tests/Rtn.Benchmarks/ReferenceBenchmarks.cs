using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Running;
using Rtn.Benchmarks.Infrastructure;

namespace Rtn.Benchmarks;

/// <summary>
/// The reference (scalar, float64 sums, <c>W'</c> materialized) next to the kernels on a shape
/// small enough for it: what the reference costs, not a target.
/// </summary>
public class ReferenceBenchmarks : IMeasuredWork
{
    private const int Rows = 256;
    private const int Columns = 512;

    private float[] weights = null!;
    private float[] x = null!;
    private float[] y = null!;
    private byte[] packed = null!;
    private float[] scales = null!;
    private QuantizedWeight<float> weight = null!;

    [Params(1, 16)]
    public int M { get; set; }

    public static Work WorkOf(BenchmarkCase benchmark)
    {
        var m = (int)benchmark.Parameters[nameof(M)];
        return benchmark.Descriptor.WorkloadMethod.Name.StartsWith("Quantize", StringComparison.Ordinal)
            ? new Work(4.5 * Rows * Columns, 0)
            : new Work(0.5 * Rows * Columns, 2.0 * m * Rows * Columns);
    }

    [GlobalSetup]
    public void Setup()
    {
        weights = Weights.Normal(Rows * Columns, seed: 4);
        weight = RtnReference.Quantize<float>(weights, WeightShape.Matrix(Rows, Columns), new RtnConfig(4, 128));
        x = Weights.Normal(M * Columns, seed: 5);
        y = new float[M * Rows];
        packed = new byte[Rows * Columns / 2];
        scales = new float[Rows * Columns / 128];
    }

    [Benchmark(Baseline = true, Description = "Reference linear")]
    public float[] ReferenceLinear() => RtnReference.Linear<float>(x, M, weight);

    [Benchmark(Description = "MatMul")]
    public void MatMul() =>
        RtnKernels.For(4, 128).MatMul<float>(x, M, weight.Packed, weight.Scales, Rows, Columns, ReadOnlySpan<float>.Empty, y, RtnFormat.Signed, default);

    [Benchmark(Description = "Reference quantize")]
    public QuantizedWeight<float> QuantizeReference() => RtnReference.Quantize<float>(weights, WeightShape.Matrix(Rows, Columns), new RtnConfig(4, 128));

    [Benchmark(Description = "Quantize")]
    public void QuantizeKernel() =>
        RtnKernels.For(4, 128).Quantize<float>(weights, Rows, Columns, packed, scales, RtnFormat.Signed, default);
}
