using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Running;
using Rtn.Benchmarks.Infrastructure;

namespace Rtn.Benchmarks;

/// <summary>
/// The quantized product at g = 128 with fp32 activations, on every core, in both modes (exact
/// and int8 activations), next to a plain read of the packed weight (the baseline: a product
/// reads its weights once and writes almost nothing), the dense fp32 product on the
/// unquantized weights, and dequantizing first and then running that dense product. Codes and
/// scales each rotate through 512 MiB of copies, so that every case reads both from memory.
/// </summary>
public class MatMulBenchmarks : IMeasuredWork
{
    private const int GroupSize = 128;

    private static readonly KernelOptions Int8 = new() { Precision = MatMulPrecision.Int8Activations };

    private Rotation<byte> packed = null!;
    private Rotation<float> dense = null!;
    private Rotation<float> scales = null!;
    private float[] dequantized = null!;
    private float[] x = null!;
    private float[] y = null!;
    private IRtnKernels kernels = null!;

    [Params(1, 16, 128)]
    public int M { get; set; }

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
        var m = (int)benchmark.Parameters[nameof(M)];
        var bits = (int)benchmark.Parameters[nameof(Bits)];
        var quantized = (rows * columns * bits / 8) + (4 * rows * columns / GroupSize);
        var flops = 2 * m * rows * columns;
        return benchmark.Descriptor.WorkloadMethod.Name switch
        {
            nameof(Dense) => new Work(4 * rows * columns, flops),
            nameof(DequantizeThenDense) => new Work(quantized + (8 * rows * columns), flops),
            nameof(ReadPacked) => new Work(quantized, 0),
            _ => new Work(quantized, flops),
        };
    }

    [GlobalSetup]
    public void Setup()
    {
        kernels = RtnKernels.For(Bits, GroupSize);
        var (rows, columns) = (Rows, Columns);
        var weights = Weights.Normal(rows * columns, seed: 2);
        var codes = new byte[rows * columns * Bits / 8];
        var groupScales = new float[rows * columns / GroupSize];
        kernels.Quantize<float>(weights, rows, columns, codes, groupScales, RtnFormat.Signed, default);
        packed = new Rotation<byte>(codes, codes.Length);
        scales = new Rotation<float>(groupScales, 4L * groupScales.Length);
        x = Weights.Normal(M * columns, seed: 3);
        y = new float[M * rows];
    }

    [GlobalSetup(Targets = [nameof(Dense)])]
    public void SetupDense()
    {
        Setup();
        dense = new Rotation<float>(Weights.Normal(Rows * Columns, seed: 2), 4L * Rows * Columns);
    }

    [GlobalSetup(Targets = [nameof(DequantizeThenDense)])]
    public void SetupDequantized()
    {
        Setup();
        dequantized = new float[Rows * Columns];
    }

    [Benchmark(Baseline = true, Description = "Read packed bytes")]
    public byte ReadPacked() => StreamingRead.OnAllCores(packed.Next(), scales.Next());

    [Benchmark(Description = "Dense fp32")]
    public void Dense() => DenseMatMul.Multiply(x, M, dense.Next(), Rows, Columns, y);

    [Benchmark(Description = "Dequantize, then dense")]
    public void DequantizeThenDense()
    {
        kernels.Dequantize<float>(packed.Next(), scales.Next(), Rows, Columns, dequantized, RtnFormat.Signed, default);
        DenseMatMul.Multiply(x, M, dequantized, Rows, Columns, y);
    }

    [Benchmark(Description = "MatMul (MatVec/MatMat)")]
    public void MatMul() => kernels.MatMul<float>(x, M, packed.Next(), scales.Next(), Rows, Columns, ReadOnlySpan<float>.Empty, y, RtnFormat.Signed, default);

    [Benchmark(Description = "MatMul int8 activations")]
    public void MatMulInt8Activations() => kernels.MatMul<float>(x, M, packed.Next(), scales.Next(), Rows, Columns, ReadOnlySpan<float>.Empty, y, RtnFormat.Signed, Int8);
}
