using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
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
        var vectors = g % Vector128<sbyte>.Count == 0 && Vector128.IsHardwareAccelerated;
        for (var j = 0; j < scales.Length; j++)
        {
            var sum = 0;
            if (vectors)
            {
                var group = (splitByParity ? inOrder : codes).Slice(j * g, g);
                sum = splitByParity ? SumAndSplit(group, codes.Slice(j * g / 2, g / 2), codes.Slice(half + (j * g / 2), g / 2)) : SumAndSplit(group, default, default);
            }
            else
            {
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
            }

            offsetSums[j] = offset * (float)sum;
        }
    }

    /// <summary>
    /// The sum of <paramref name="group"/>'s codes; where <paramref name="even"/> is not empty, its
    /// even columns are copied there and its odd ones to <paramref name="odd"/>.
    /// </summary>
    private static int SumAndSplit(ReadOnlySpan<sbyte> group, Span<sbyte> even, Span<sbyte> odd)
    {
        var byParity = Vector128.Create((byte)0, 2, 4, 6, 8, 10, 12, 14, 1, 3, 5, 7, 9, 11, 13, 15);
        var sums = Vector128<int>.Zero;
        for (var c = 0; c < group.Length; c += Vector128<sbyte>.Count)
        {
            var step = Vector128.Create(group.Slice(c, Vector128<sbyte>.Count));
            var (low, high) = Vector128.Widen(step);
            var pairs = low + high;
            sums += Vector128.WidenLower(pairs) + Vector128.WidenUpper(pairs);
            if (!even.IsEmpty)
            {
                var split = Vector128.Shuffle(step.AsByte(), byParity).AsUInt64();
                MemoryMarshal.Write(MemoryMarshal.AsBytes(even.Slice(c / 2, 8)), split.GetElement(0));
                MemoryMarshal.Write(MemoryMarshal.AsBytes(odd.Slice(c / 2, 8)), split.GetElement(1));
            }
        }

        return Vector128.Sum(sums);
    }
}
