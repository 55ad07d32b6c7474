using ILGPU;
using ILGPU.Runtime;
using Rtn.Gpu.Kernels;
using Rtn.Kernels;

namespace Rtn.Gpu.Launching;

/// <summary>
/// The kernels of one (scheme, element type) pair, compiled for one accelerator on first use and
/// kept for its lifetime, and the choice of kernel and launch grid for each call. Each instantiation is its own device function, so a generated scheme's
/// constants are folded by ILGPU's optimizer before the backend sees the code.
/// </summary>
internal sealed class CompiledKernels<TScheme, TElement, TRaw>(Accelerator accelerator)
    where TScheme : struct, IRtnScheme
    where TElement : struct, IGpuElement<TRaw>
    where TRaw : unmanaged
{
    private readonly Lazy<Action<KernelConfig, ArrayView<TRaw>, ArrayView<byte>, ArrayView<TRaw>, ArrayView<int>, WeightLayout>> quantizeGroups =
        new(() => accelerator.LoadStreamKernel<ArrayView<TRaw>, ArrayView<byte>, ArrayView<TRaw>, ArrayView<int>, WeightLayout>(
            QuantizeKernels.QuantizeGroups<TScheme, TElement, TRaw>));

    private readonly Lazy<Action<KernelConfig, ArrayView<TRaw>, ArrayView<TRaw>, ArrayView<int>, WeightLayout>> quantizeScales =
        new(() => accelerator.LoadStreamKernel<ArrayView<TRaw>, ArrayView<TRaw>, ArrayView<int>, WeightLayout>(
            QuantizeKernels.QuantizeScales<TScheme, TElement, TRaw>));

    private readonly Lazy<Action<Index1D, ArrayView<TRaw>, ArrayView<TRaw>, ArrayView<byte>, WeightLayout>> quantizeCodes =
        new(() => accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<TRaw>, ArrayView<TRaw>, ArrayView<byte>, WeightLayout>(
            QuantizeKernels.QuantizeCodes<TScheme, TElement, TRaw>));

    private readonly Lazy<Action<Index1D, ArrayView<byte>, ArrayView<TRaw>, ArrayView<TRaw>, WeightLayout>> dequantizeChunks =
        new(() => accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<byte>, ArrayView<TRaw>, ArrayView<TRaw>, WeightLayout>(
            DequantizeKernels.DequantizeChunks<TScheme, TElement, TRaw>));

    private readonly Lazy<Action<Index1D, ArrayView<byte>, ArrayView<TRaw>, ArrayView<TRaw>, WeightLayout>> dequantizeElements =
        new(() => accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<byte>, ArrayView<TRaw>, ArrayView<TRaw>, WeightLayout>(
            DequantizeKernels.DequantizeElements<TScheme, TElement, TRaw>));

    private readonly Lazy<Action<KernelConfig, ArrayView<TRaw>, ArrayView<byte>, ArrayView<TRaw>, ArrayView<TRaw>, ArrayView<TRaw>, WeightLayout, int>> matMulOneRow =
        new(() => accelerator.LoadStreamKernel<ArrayView<TRaw>, ArrayView<byte>, ArrayView<TRaw>, ArrayView<TRaw>, ArrayView<TRaw>, WeightLayout, int>(
            MatMulKernels.MatMulChunks<TScheme, TElement, TRaw, OneActivationRow>));

    private readonly Lazy<Action<KernelConfig, ArrayView<TRaw>, ArrayView<byte>, ArrayView<TRaw>, ArrayView<TRaw>, ArrayView<TRaw>, WeightLayout, int>> matMulFourRowTiles =
        new(() => accelerator.LoadStreamKernel<ArrayView<TRaw>, ArrayView<byte>, ArrayView<TRaw>, ArrayView<TRaw>, ArrayView<TRaw>, WeightLayout, int>(
            MatMulKernels.MatMulChunks<TScheme, TElement, TRaw, FourActivationRows>));

    private readonly Lazy<Action<KernelConfig, ArrayView<TRaw>, ArrayView<byte>, ArrayView<TRaw>, ArrayView<TRaw>, ArrayView<TRaw>, WeightLayout, int>> matMulElements =
        new(() => accelerator.LoadStreamKernel<ArrayView<TRaw>, ArrayView<byte>, ArrayView<TRaw>, ArrayView<TRaw>, ArrayView<TRaw>, WeightLayout, int>(
            MatMulKernels.MatMulElements<TScheme, TElement, TRaw>));

    /// <summary>Warps per thread group: four where the device allows, so a group is 128 threads on NVIDIA hardware.</summary>
    private int WarpsPerGroup => Math.Max(1, Math.Min(4, accelerator.MaxNumThreadsPerGroup / accelerator.WarpSize));

    /// <summary>Quantizes; writes the smallest non-finite position (if any) to <paramref name="firstNonFinite"/>.</summary>
    public void Quantize(ArrayView<TRaw> weights, ArrayView<byte> packed, ArrayView<TRaw> scales, ArrayView<int> firstNonFinite, WeightLayout layout)
    {
        if (layout.GroupSize % 4 == 0)
        {
            var teamsPerWarp = accelerator.WarpSize / QuantizeKernels.LanesPerGroup(layout.GroupSize, accelerator.WarpSize);
            quantizeGroups.Value(WarpLaunch((layout.GroupCount + teamsPerWarp - 1) / teamsPerWarp), weights, packed, scales, firstNonFinite, layout);
            return;
        }

        quantizeScales.Value(WarpLaunch(layout.GroupCount), weights, scales, firstNonFinite, layout);
        quantizeCodes.Value(packed.IntLength, weights, scales, packed, layout);
    }

    public void Dequantize(ArrayView<byte> packed, ArrayView<TRaw> scales, ArrayView<TRaw> weights, WeightLayout layout)
    {
        if (layout.GroupSize % 4 == 0)
        {
            dequantizeChunks.Value(layout.ElementCount / 4, packed, scales, weights, layout);
        }
        else
        {
            dequantizeElements.Value(layout.ElementCount, packed, scales, weights, layout);
        }
    }

    /// <summary>An empty <paramref name="bias"/> means none.</summary>
    public void MatMul(ArrayView<TRaw> x, int m, ArrayView<byte> packed, ArrayView<TRaw> scales, ArrayView<TRaw> bias, ArrayView<TRaw> y, WeightLayout layout)
    {
        // "No bias" travels as a zero-length view into y: a real device address, so no backend
        // is handed the null pointer of ArrayView.Empty, and the kernels test only the length.
        if (bias.Length == 0)
        {
            bias = y.SubView(0, 0);
        }

        if (layout.GroupSize % 8 != 0)
        {
            matMulElements.Value(WarpLaunch(layout.Rows * m), x, packed, scales, bias, y, layout, m);
        }
        else if (m == 1)
        {
            matMulOneRow.Value(WarpLaunch(layout.Rows), x, packed, scales, bias, y, layout, m);
        }
        else
        {
            var tiles = (m + FourActivationRows.Rows - 1) / FourActivationRows.Rows;
            matMulFourRowTiles.Value(WarpLaunch(layout.Rows * tiles), x, packed, scales, bias, y, layout, m);
        }
    }

    /// <summary>Enough whole warps for <paramref name="warps"/> items; surplus warps in the last group return at once.</summary>
    private KernelConfig WarpLaunch(int warps)
    {
        var perGroup = WarpsPerGroup;
        return new KernelConfig((warps + perGroup - 1) / perGroup, perGroup * accelerator.WarpSize);
    }
}
