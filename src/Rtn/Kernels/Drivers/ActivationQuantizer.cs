using Rtn.Kernels.Simd;

namespace Rtn.Kernels.Drivers;

/// <summary>
/// One activation row as the product with int8 activations reads it (docs/rtn-spec.md, "Linear
/// with int8 activations"): the codes, for 4 bits with the even columns first and the odd ones
/// after them, each group's scale d, and <c>Q/2 · Σ a</c> per group for the offset codes.
/// </summary>
internal static class ActivationQuantizer
{
    /// <summary>
    /// Quantizes <paramref name="x"/> into <paramref name="codes"/>, <paramref name="scales"/>
    /// and <paramref name="offsetSums"/>; <paramref name="inOrder"/> (the row's length) holds the
    /// codes in column order on the way.
    /// </summary>
    public static void QuantizeRow(VectorTier tier, ReadOnlySpan<float> x, int g, bool splitByParity, int offset, Span<sbyte> inOrder, Span<sbyte> codes, Span<float> scales, Span<float> offsetSums)
    {
        ActivationQuantizeLoops.QuantizeRow(tier, x, g, splitByParity ? inOrder : codes, scales);
        var half = x.Length / 2;
        for (var j = 0; j < scales.Length; j++)
        {
            var sum = 0;
            for (var c = j * g; c < (j + 1) * g; c++)
            {
                if (splitByParity)
                {
                    codes[((c & 1) * half) + (c >> 1)] = inOrder[c];
                    sum += inOrder[c];
                }
                else
                {
                    sum += codes[c];
                }
            }

            offsetSums[j] = offset * (float)sum;
        }
    }
}
