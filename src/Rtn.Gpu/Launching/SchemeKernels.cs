using ILGPU;
using Rtn.Gpu.Kernels;
using Rtn.Kernels;

namespace Rtn.Gpu.Launching;

/// <summary>
/// <see cref="RtnGpuKernels"/> for one scheme on one accelerator: picks the element type's kernels and hands
/// them device views of the stored representation (fp16 and bf16 as raw 16-bit values).
/// </summary>
/// <typeparam name="TScheme">A generated scheme such as <c>Q4G128</c>, or <see cref="RuntimeScheme"/>.</typeparam>
internal sealed class SchemeKernels<TScheme>(RtnAccelerator accelerator, int bits, int groupSize) : RtnGpuKernels(accelerator)
    where TScheme : struct, IRtnScheme
{
    public override int Bits => bits;

    public override int GroupSize => groupSize;

    public override bool IsSpecialized => TScheme.Bits != IRtnScheme.FromCall;

    internal override void LaunchQuantize<T>(ArrayView<T> weights, ArrayView<byte> packed, ArrayView<T> scales, ArrayView<int> firstNonFinite, WeightLayout layout)
    {
        if (typeof(T) == typeof(float))
        {
            Kernels<Float32Element, float>().Quantize(weights.Cast<float>(), packed, scales.Cast<float>(), firstNonFinite, layout);
        }
        else if (typeof(T) == typeof(System.Half))
        {
            Kernels<Float16Element, ushort>().Quantize(weights.Cast<ushort>(), packed, scales.Cast<ushort>(), firstNonFinite, layout);
        }
        else
        {
            Kernels<BFloat16Element, ushort>().Quantize(weights.Cast<ushort>(), packed, scales.Cast<ushort>(), firstNonFinite, layout);
        }
    }

    internal override void LaunchDequantize<T>(ArrayView<byte> packed, ArrayView<T> scales, ArrayView<T> weights, WeightLayout layout)
    {
        if (typeof(T) == typeof(float))
        {
            Kernels<Float32Element, float>().Dequantize(packed, scales.Cast<float>(), weights.Cast<float>(), layout);
        }
        else if (typeof(T) == typeof(System.Half))
        {
            Kernels<Float16Element, ushort>().Dequantize(packed, scales.Cast<ushort>(), weights.Cast<ushort>(), layout);
        }
        else
        {
            Kernels<BFloat16Element, ushort>().Dequantize(packed, scales.Cast<ushort>(), weights.Cast<ushort>(), layout);
        }
    }

    internal override void LaunchMatMul<T>(ArrayView<T> x, int m, ArrayView<byte> packed, ArrayView<T> scales, ArrayView<T> bias, ArrayView<T> y, WeightLayout layout)
    {
        if (typeof(T) == typeof(float))
        {
            Kernels<Float32Element, float>().MatMul(x.Cast<float>(), m, packed, scales.Cast<float>(), bias.Cast<float>(), y.Cast<float>(), layout);
        }
        else if (typeof(T) == typeof(System.Half))
        {
            Kernels<Float16Element, ushort>().MatMul(x.Cast<ushort>(), m, packed, scales.Cast<ushort>(), bias.Cast<ushort>(), y.Cast<ushort>(), layout);
        }
        else
        {
            Kernels<BFloat16Element, ushort>().MatMul(x.Cast<ushort>(), m, packed, scales.Cast<ushort>(), bias.Cast<ushort>(), y.Cast<ushort>(), layout);
        }
    }

    private CompiledKernels<TScheme, TElement, TRaw> Kernels<TElement, TRaw>()
        where TElement : struct, IGpuElement<TRaw>
        where TRaw : unmanaged =>
        Accelerator.GetOrCompile(static accelerator => new CompiledKernels<TScheme, TElement, TRaw>(accelerator));
}
