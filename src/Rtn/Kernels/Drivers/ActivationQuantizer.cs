namespace Rtn.Kernels.Drivers;

/// <summary>
/// Rounds one activation row to int8 for the product with int8 activations (docs/rtn-spec.md,
/// "Linear with int8 activations"): per group of the weight, <c>d = max|x| / 127</c> and
/// <c>a = round_even(x / d)</c>, so <c>|x − a·d| ≤ d/2</c>.
/// </summary>
internal static class ActivationQuantizer
{
    /// <summary>
    /// Quantizes <paramref name="x"/> (one row, fp32) into <paramref name="codes"/>, for 4 bits
    /// with the even columns first and the odd ones after them, and per group writes the scale
    /// <c>d</c> to <paramref name="scales"/> and <c>d · <paramref name="offset"/> · Σ a</c> to
    /// <paramref name="offsetSums"/>.
    /// </summary>
    public static void QuantizeRow(ReadOnlySpan<float> x, int g, bool splitByParity, int offset, Span<sbyte> codes, Span<float> scales, Span<float> offsetSums)
    {
        var half = x.Length / 2;
        for (var j = 0; j < scales.Length; j++)
        {
            var group = x.Slice(j * g, g);
            var largest = 0f;
            foreach (var value in group)
            {
                largest = Math.Max(largest, Math.Abs(value));
            }

            // In float64, so that 127 / max stays finite for every fp32 maximum, subnormals included.
            var inverse = largest == 0 ? 0d : 127d / largest;
            var sum = 0;
            for (var k = 0; k < g; k++)
            {
                var c = (j * g) + k;
                var code = (sbyte)Math.Clamp(Math.Round(group[k] * inverse, MidpointRounding.ToEven), -127, 127);
                codes[splitByParity ? ((c & 1) * half) + (c >> 1) : c] = code;
                sum += code;
            }

            var scale = (float)(largest / 127d);
            scales[j] = scale;
            offsetSums[j] = scale * offset * (float)sum;
        }
    }
}
