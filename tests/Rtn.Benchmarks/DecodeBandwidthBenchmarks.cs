using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Running;
using Rtn.Benchmarks.Infrastructure;

namespace Rtn.Benchmarks;

/// <summary>
/// Decode (one activation row) is a pass over the packed weight: the product at g = 128 next
/// to a plain read of the same bytes on every core (the baseline), which bounds any kernel that
/// reads them. Weights rotate through 512 MiB of copies.
/// </summary>
public class DecodeBandwidthBenchmarks : IMeasuredWork
{
    private const int GroupSize = 128;

    private Rotation<byte> packed = null!;
    private float[] scales = null!;
    private float[] x = null!;
    private float[] y = null!;
    private IRtnKernels kernels = null!;

    [Params("4096x4096", "11008x4096")]
    public string Shape { get; set; } = "4096x4096";

    [Params(4, 8)]
    public int Bits { get; set; }

    private int Rows => int.Parse(Shape.AsSpan(0, Shape.IndexOf('x')), provider: null);

    private int Columns => int.Parse(Shape.AsSpan(Shape.IndexOf('x') + 1), provider: null);

    public static Work WorkOf(BenchmarkCase benchmark)
    {
        var shape = (string)benchmark.Parameters[nameof(Shape)];
        var (rows, columns) = (double.Parse(shape[..shape.IndexOf('x')], null), double.Parse(shape[(shape.IndexOf('x') + 1)..], null));
        var bits = (int)benchmark.Parameters[nameof(Bits)];
        var bytes = (rows * columns * bits / 8) + (4 * rows * columns / GroupSize);
        return benchmark.Descriptor.WorkloadMethod.Name == nameof(ReadPacked) ? new Work(bytes, 0) : new Work(bytes, 2 * rows * columns);
    }

    [GlobalSetup]
    public void Setup()
    {
        kernels = RtnKernels.For(Bits, GroupSize);
        var weights = Weights.Normal(Rows * Columns, seed: 2);
        var codes = new byte[Rows * Columns * Bits / 8];
        scales = new float[Rows * Columns / GroupSize];
        kernels.Quantize<float>(weights, Rows, Columns, codes, scales, RtnFormat.Signed, default);
        packed = new Rotation<byte>(codes, codes.Length);
        x = Weights.Normal(Columns, seed: 3);
        y = new float[Rows];
    }

    [Benchmark(Baseline = true, Description = "Read packed bytes")]
    public byte ReadPacked() => StreamingRead.OnAllCores(packed.Next());

    [Benchmark(Description = "MatMul m=1 (MatVec)")]
    public void MatMul() =>
        kernels.MatMul<float>(x, 1, packed.Next(), scales, Rows, Columns, ReadOnlySpan<float>.Empty, y, RtnFormat.Signed, default);
}
