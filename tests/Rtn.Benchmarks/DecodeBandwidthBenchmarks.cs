using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Running;
using Rtn.Benchmarks.Infrastructure;

namespace Rtn.Benchmarks;

/// <summary>
/// Decode (one activation row) is a pass over the packed weight: the product at g = 128 in both
/// modes (exact with fp32 and with bf16 activations, and with int8 activations) next to a plain
/// read of the same codes and scales on every core (the baseline), which bounds any kernel that
/// reads them. Codes and scales each rotate through 512 MiB of copies.
/// </summary>
public class DecodeBandwidthBenchmarks : IMeasuredWork
{
    private const int GroupSize = 128;

    private static readonly KernelOptions Int8 = new() { Precision = MatMulPrecision.Int8Activations };

    private Rotation<byte> packed = null!;
    private Rotation<float> scales = null!;
    private Rotation<BFloat16> scalesBFloat16 = null!;
    private float[] x = null!;
    private BFloat16[] xBFloat16 = null!;
    private float[] y = null!;
    private BFloat16[] yBFloat16 = null!;
    private IRtnKernels kernels = null!;

    [Params("11008x4096", "4096x14336")]
    public string Shape { get; set; } = "11008x4096";

    [Params(4, 8)]
    public int Bits { get; set; }

    private int Rows => int.Parse(Shape.AsSpan(0, Shape.IndexOf('x')), provider: null);

    private int Columns => int.Parse(Shape.AsSpan(Shape.IndexOf('x') + 1), provider: null);

    /// <summary>Every case moves the packed codes and fp32 scales, so that the ratio to the read compares times.</summary>
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
        var groupScales = new float[Rows * Columns / GroupSize];
        kernels.Quantize<float>(weights, Rows, Columns, codes, groupScales, RtnFormat.Signed, default);
        packed = new Rotation<byte>(codes, codes.Length);
        scales = new Rotation<float>(groupScales, 4L * groupScales.Length);
        scalesBFloat16 = new Rotation<BFloat16>([.. groupScales.Select(s => (BFloat16)s)], 2L * groupScales.Length);
        x = Weights.Normal(Columns, seed: 3);
        xBFloat16 = [.. x.Select(v => (BFloat16)v)];
        y = new float[Rows];
        yBFloat16 = new BFloat16[Rows];
    }

    [Benchmark(Baseline = true, Description = "Read packed bytes")]
    public byte ReadPacked() => StreamingRead.OnAllCores(packed.Next(), scales.Next());

    [Benchmark(Description = "MatVec fp32 activations")]
    public void MatMul() =>
        kernels.MatMul<float>(x, 1, packed.Next(), scales.Next(), Rows, Columns, ReadOnlySpan<float>.Empty, y, RtnFormat.Signed, default);

    [Benchmark(Description = "MatVec bf16 activations")]
    public void MatMulBFloat16() =>
        kernels.MatMul<BFloat16>(xBFloat16, 1, packed.Next(), scalesBFloat16.Next(), Rows, Columns, ReadOnlySpan<BFloat16>.Empty, yBFloat16, RtnFormat.Signed, default);

    [Benchmark(Description = "MatVec int8 activations")]
    public void MatMulInt8Activations() =>
        kernels.MatMul<float>(x, 1, packed.Next(), scales.Next(), Rows, Columns, ReadOnlySpan<float>.Empty, y, RtnFormat.Signed, Int8);
}
