using ILGPU;
using Rtn.Kernels;

namespace Rtn.Gpu.Kernels;

/// <summary>
/// <c>W'[i] = T(q[i] · s[i / g])</c>. Each thread rebuilds four values from one 16-bit (4-bit
/// codes) or 32-bit (8-bit codes) load and writes them with one vector store; consecutive threads
/// touch consecutive memory. Group sizes that are not a multiple of four go one value per thread.
/// </summary>
internal static class DequantizeKernels
{
    /// <summary>Four values per thread; needs a group size that is a multiple of 4.</summary>
    public static void DequantizeChunks<TScheme, TElement, TRaw>(
        Index1D chunk, ArrayView<byte> packed, ArrayView<TRaw> scales, ArrayView<TRaw> weights, WeightLayout layout)
        where TScheme : struct, IRtnScheme
        where TElement : struct, IGpuElement<TRaw>
        where TRaw : unmanaged
    {
        var bits = WeightLayout.BitsOf<TScheme>(layout);
        var groupSize = WeightLayout.GroupSizeOf<TScheme>(layout);
        var first = chunk * 4;
        var scale = TElement.ToSingle(scales[first / groupSize]);
        var codes = Codes.Load4(packed, chunk, bits, layout.FormatMask);
        TElement.Store4(weights, first, new Float4(codes.X * scale, codes.Y * scale, codes.Z * scale, codes.W * scale));
    }

    /// <summary>One value per thread, for any group size.</summary>
    public static void DequantizeElements<TScheme, TElement, TRaw>(
        Index1D index, ArrayView<byte> packed, ArrayView<TRaw> scales, ArrayView<TRaw> weights, WeightLayout layout)
        where TScheme : struct, IRtnScheme
        where TElement : struct, IGpuElement<TRaw>
        where TRaw : unmanaged
    {
        var bits = WeightLayout.BitsOf<TScheme>(layout);
        var groupSize = WeightLayout.GroupSizeOf<TScheme>(layout);
        var code = Codes.At(packed, index, bits, layout.FormatMask);
        weights[index] = TElement.FromSingle(code * TElement.ToSingle(scales[index / groupSize]));
    }
}
