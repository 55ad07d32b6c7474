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
        Float4 values;
        if (bits == 4)
        {
            var word = packed.Cast<ushort>()[chunk] ^ layout.FormatMask;
            values = new Float4(
                Codes.Nibble(word, 0) * scale, Codes.Nibble(word, 1) * scale, Codes.Nibble(word, 2) * scale, Codes.Nibble(word, 3) * scale);
        }
        else
        {
            var word = packed.Cast<uint>()[chunk] ^ layout.FormatMask;
            values = new Float4(
                Codes.Byte(word, 0) * scale, Codes.Byte(word, 1) * scale, Codes.Byte(word, 2) * scale, Codes.Byte(word, 3) * scale);
        }

        TElement.Store4(weights, first, values);
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
