using ILGPU;
using Rtn.Kernels;

namespace Rtn.Gpu.Kernels;

/// <summary>
/// The fused product <c>y = x · W'ᵀ + bias</c>, never building <c>W'</c>. One warp owns one output
/// row <c>r</c> for a tile of activation rows: lanes walk the row eight codes at a time (one
/// 32-bit load of 4-bit codes or one 64-bit load of 8-bit codes, coalesced across the warp),
/// unpack them in registers, take the dot product with the activations in fp32, scale it by the
/// chunk's group scale, and the warp sums its lanes with shuffles. Group sizes that are not a
/// multiple of eight use a one-value-per-lane loop.
/// </summary>
internal static class MatMulKernels
{
    /// <summary>Eight codes per lane step; needs a group size that is a multiple of 8.</summary>
    public static void MatMulChunks<TScheme, TElement, TRaw, TTile>(
        ArrayView<TRaw> x, ArrayView<byte> packed, ArrayView<TRaw> scales, ArrayView<TRaw> bias, ArrayView<TRaw> y, WeightLayout layout, int m)
        where TScheme : struct, IRtnScheme
        where TElement : struct, IGpuElement<TRaw>
        where TRaw : unmanaged
        where TTile : struct, IActivationTile
    {
        var bits = WeightLayout.BitsOf<TScheme>(layout);
        var groupSize = WeightLayout.GroupSizeOf<TScheme>(layout);
        var columns = layout.Columns;
        var warp = WarpMath.GlobalWarpIndex;
        var row = warp % layout.Rows;
        var firstActivation = warp / layout.Rows * TTile.Rows;
        if (firstActivation >= m)
        {
            return;
        }

        var tileRows = m - firstActivation < TTile.Rows ? m - firstActivation : TTile.Rows;
        var rowStart = row * columns;
        var scaleRow = row * layout.GroupsPerRow;
        var x0 = firstActivation * columns;
        var (sum0, sum1, sum2, sum3) = (0f, 0f, 0f, 0f);
        for (var c = Warp.LaneIdx * 8; c < columns; c += Warp.WarpSize * 8)
        {
            Float4 low;
            Float4 high;
            if (bits == 4)
            {
                var word = packed.Cast<uint>()[(rowStart + c) >> 3] ^ layout.FormatMask;
                low = new Float4(Codes.Nibble(word, 0), Codes.Nibble(word, 1), Codes.Nibble(word, 2), Codes.Nibble(word, 3));
                high = new Float4(Codes.Nibble(word, 4), Codes.Nibble(word, 5), Codes.Nibble(word, 6), Codes.Nibble(word, 7));
            }
            else
            {
                var word = packed.Cast<ulong>()[(rowStart + c) >> 3] ^ (layout.FormatMask | ((ulong)layout.FormatMask << 32));
                low = new Float4(Codes.Byte(word, 0), Codes.Byte(word, 1), Codes.Byte(word, 2), Codes.Byte(word, 3));
                high = new Float4(Codes.Byte(word, 4), Codes.Byte(word, 5), Codes.Byte(word, 6), Codes.Byte(word, 7));
            }

            var scale = TElement.ToSingle(scales[scaleRow + (c / groupSize)]);
            sum0 += scale * Dot8<TElement, TRaw>(low, high, x, x0 + c);
            if (TTile.Rows > 1 && tileRows > 1)
            {
                sum1 += scale * Dot8<TElement, TRaw>(low, high, x, x0 + columns + c);
                if (tileRows > 2)
                {
                    sum2 += scale * Dot8<TElement, TRaw>(low, high, x, x0 + (2 * columns) + c);
                    if (tileRows > 3)
                    {
                        sum3 += scale * Dot8<TElement, TRaw>(low, high, x, x0 + (3 * columns) + c);
                    }
                }
            }
        }

        var hasBias = bias.Length > 0;
        var offset = hasBias ? TElement.ToSingle(bias[row]) : 0f;
        sum0 = WarpMath.Sum(sum0);
        if (TTile.Rows > 1)
        {
            sum1 = WarpMath.Sum(sum1);
            sum2 = WarpMath.Sum(sum2);
            sum3 = WarpMath.Sum(sum3);
        }

        if (Warp.LaneIdx != 0)
        {
            return;
        }

        var rows = layout.Rows;
        var output = (firstActivation * rows) + row;
        y[output] = TElement.FromSingle(sum0 + offset);
        if (TTile.Rows > 1)
        {
            if (tileRows > 1)
            {
                y[output + rows] = TElement.FromSingle(sum1 + offset);
            }

            if (tileRows > 2)
            {
                y[output + (2 * rows)] = TElement.FromSingle(sum2 + offset);
            }

            if (tileRows > 3)
            {
                y[output + (3 * rows)] = TElement.FromSingle(sum3 + offset);
            }
        }
    }

    /// <summary>One code per lane step, for any group size; one warp per (activation row, output row).</summary>
    public static void MatMulElements<TScheme, TElement, TRaw>(
        ArrayView<TRaw> x, ArrayView<byte> packed, ArrayView<TRaw> scales, ArrayView<TRaw> bias, ArrayView<TRaw> y, WeightLayout layout, int m)
        where TScheme : struct, IRtnScheme
        where TElement : struct, IGpuElement<TRaw>
        where TRaw : unmanaged
    {
        var bits = WeightLayout.BitsOf<TScheme>(layout);
        var groupSize = WeightLayout.GroupSizeOf<TScheme>(layout);
        var columns = layout.Columns;
        var warp = WarpMath.GlobalWarpIndex;
        var row = warp % layout.Rows;
        var activation = warp / layout.Rows;
        if (activation >= m)
        {
            return;
        }

        var sum = 0f;
        for (var c = Warp.LaneIdx; c < columns; c += Warp.WarpSize)
        {
            var code = Codes.At(packed, (row * columns) + c, bits, layout.FormatMask);
            var scale = TElement.ToSingle(scales[(row * layout.GroupsPerRow) + (c / groupSize)]);
            sum += scale * (code * TElement.ToSingle(x[(activation * columns) + c]));
        }

        sum = WarpMath.Sum(sum);
        if (Warp.LaneIdx == 0)
        {
            var offset = bias.Length > 0 ? TElement.ToSingle(bias[row]) : 0f;
            y[(activation * layout.Rows) + row] = TElement.FromSingle(sum + offset);
        }
    }

    private static float Dot8<TElement, TRaw>(Float4 low, Float4 high, ArrayView<TRaw> x, int index)
        where TElement : struct, IGpuElement<TRaw>
        where TRaw : unmanaged =>
        Codes.Dot(low, TElement.Load4(x, index)) + Codes.Dot(high, TElement.Load4(x, index + 4));
}
