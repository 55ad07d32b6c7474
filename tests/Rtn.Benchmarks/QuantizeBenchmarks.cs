using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Running;
using Rtn.Benchmarks.Infrastructure;

namespace Rtn.Benchmarks;

/// <summary>
/// Quantize and dequantize a 4096 × 4096 weight at g = 128 next to a plain copy of the same
/// weight (the baseline), all on every core; inputs rotate through 512 MiB of copies.
/// </summary>
public class QuantizeBenchmarks : IMeasuredWork
{
    private const int Rows = 4096;
    private const int Columns = 4096;
    private const int GroupSize = 128;

    private Rotation<float> floatWeights = null!;
    private Rotation<BFloat16> bfloat16Weights = null!;
    private Rotation<byte> packed = null!;
    private float[] floatScales = null!;
    private BFloat16[] bfloat16Scales = null!;
    private float[] floatTarget = null!;
    private BFloat16[] bfloat16Target = null!;
    private IRtnKernels kernels = null!;

    public enum Element
    {
        F32,
        BF16,
    }

    [Params(Element.F32, Element.BF16)]
    public Element Type { get; set; }

    [Params(4, 8)]
    public int Bits { get; set; }

    private int ElementSize => Type == Element.F32 ? 4 : 2;

    public static Work WorkOf(BenchmarkCase benchmark)
    {
        var elementBytes = (Element)benchmark.Parameters[nameof(Type)] == Element.F32 ? 4.0 : 2.0;
        var bits = (int)benchmark.Parameters[nameof(Bits)];
        var weight = elementBytes * Rows * Columns;
        var quantized = ((double)Rows * Columns * bits / 8) + (elementBytes * Rows * Columns / GroupSize);
        return benchmark.Descriptor.WorkloadMethod.Name == nameof(Copy) ? new Work(2 * weight, 0) : new Work(weight + quantized, 0);
    }

    [GlobalSetup]
    public void Setup()
    {
        kernels = RtnKernels.For(Bits, GroupSize);
        var weights = Weights.Normal(Rows * Columns, seed: 1);
        var weightBytes = (long)Rows * Columns * ElementSize;
        var codes = new byte[Rows * Columns * Bits / 8];
        if (Type == Element.F32)
        {
            floatScales = new float[Rows * Columns / GroupSize];
            kernels.Quantize<float>(weights, Rows, Columns, codes, floatScales, RtnFormat.Signed, default);
            floatWeights = new Rotation<float>(weights, weightBytes);
            floatTarget = new float[Rows * Columns];
        }
        else
        {
            var narrow = weights.Select(w => (BFloat16)w).ToArray();
            bfloat16Scales = new BFloat16[Rows * Columns / GroupSize];
            kernels.Quantize<BFloat16>(narrow, Rows, Columns, codes, bfloat16Scales, RtnFormat.Signed, default);
            bfloat16Weights = new Rotation<BFloat16>(narrow, weightBytes);
            bfloat16Target = new BFloat16[Rows * Columns];
        }

        packed = new Rotation<byte>(codes, codes.Length);
    }

    [Benchmark(Baseline = true, Description = "Copy (memcpy)")]
    public void Copy()
    {
        if (Type == Element.F32)
        {
            var source = floatWeights.Next();
            Weights.OnAllCores(source.Length, (first, end) => source.AsSpan(first, end - first).CopyTo(floatTarget.AsSpan(first)));
        }
        else
        {
            var source = bfloat16Weights.Next();
            Weights.OnAllCores(source.Length, (first, end) => source.AsSpan(first, end - first).CopyTo(bfloat16Target.AsSpan(first)));
        }
    }

    [Benchmark]
    public void Quantize()
    {
        if (Type == Element.F32)
        {
            kernels.Quantize<float>(floatWeights.Next(), Rows, Columns, packed.Next(), floatScales, RtnFormat.Signed, default);
        }
        else
        {
            kernels.Quantize<BFloat16>(bfloat16Weights.Next(), Rows, Columns, packed.Next(), bfloat16Scales, RtnFormat.Signed, default);
        }
    }

    [Benchmark]
    public void Dequantize()
    {
        if (Type == Element.F32)
        {
            kernels.Dequantize<float>(packed.Next(), floatScales, Rows, Columns, floatWeights.Next(), RtnFormat.Signed, default);
        }
        else
        {
            kernels.Dequantize<BFloat16>(packed.Next(), bfloat16Scales, Rows, Columns, bfloat16Weights.Next(), RtnFormat.Signed, default);
        }
    }
}
