namespace Rtn;

/// <summary>
/// RTN written to be read next to docs/rtn-spec.md: scalar, one rule per line, no shortcuts.
/// Every kernel in the project is tested against this class, so it is never the code a kernel
/// runs, and it is deliberately slow.
/// </summary>
public static class RtnReference
{
    /// <summary>
    /// Quantizes <paramref name="weights"/> (row-major, <paramref name="shape"/>) group by group:
    /// <c>s = T(fp32(2m) · fp32(1/(Q-1)))</c>, then <c>q = round_even(clamp(T(x / s), qmin, qmax))</c>.
    /// </summary>
    /// <exception cref="ArgumentException">A shape that does not fit, or a NaN or infinity (named by position).</exception>
    public static QuantizedWeight<T> Quantize<T>(
        ReadOnlySpan<T> weights, WeightShape shape, RtnConfig config, RtnFormat format = RtnFormat.Signed)
        where T : unmanaged
    {
        ArgumentNullException.ThrowIfNull(config);
        Precision<T>.EnsureSupported();
        var groupSize = config.Validate(shape);
        RequireLength(weights.Length, shape, nameof(weights));
        RequireFinite(weights, shape);

        // Groups never cross a row (g divides C), so group k is simply elements [k·g, (k+1)·g)
        // of the row-major data, and its scale is scales[k]; a stack is its rows end to end.
        var codes = new sbyte[shape.ElementCount];
        var scales = new T[shape.ElementCount / groupSize];
        for (var k = 0; k < scales.Length; k++)
        {
            scales[k] = QuantizeGroup(weights.Slice(k * groupSize, groupSize), codes.AsSpan(k * groupSize, groupSize), config);
        }

        return new QuantizedWeight<T>(config, format, shape, PackCodes(codes, config.Bits, format), scales);
    }

    /// <summary>Rebuilds the weight: <c>W'[r, c] = T(q[r, c] · s[r, c/g])</c>, the product in fp32.</summary>
    public static T[] Dequantize<T>(QuantizedWeight<T> weight)
        where T : unmanaged
    {
        ArgumentNullException.ThrowIfNull(weight);
        var codes = UnpackCodes(weight.Packed, weight.Config.Bits, weight.Format);
        var result = new T[codes.Length];
        for (var i = 0; i < codes.Length; i++)
        {
            var scale = Precision<T>.ToSingle(weight.Scales[i / weight.GroupSize]);
            result[i] = Precision<T>.FromSingle(codes[i] * scale);
        }

        return result;
    }

    /// <summary>
    /// The reference document's linear path: materialize <c>W'</c> in <typeparamref name="T"/>, then
    /// <c>y = x · W'ᵀ + bias</c> for <paramref name="x"/> of shape <c>[m, C]</c>, accumulated in
    /// float64 and rounded once to <typeparamref name="T"/>. Returns <c>[m, R]</c>.
    /// </summary>
    public static T[] Linear<T>(ReadOnlySpan<T> x, int m, QuantizedWeight<T> weight, ReadOnlySpan<T> bias = default)
        where T : unmanaged
    {
        ArgumentNullException.ThrowIfNull(weight);
        var (rows, columns) = (weight.Shape.Rows, weight.Shape.Columns);
        if (weight.Shape.IsStack)
        {
            throw new ArgumentException($"A linear layer needs a 2-D weight, but got {weight.Shape}.", nameof(weight));
        }

        if (m <= 0 || x.Length != (long)m * columns)
        {
            throw new ArgumentException(
                $"Activations must be [m, {columns}] with m > 0, but m = {m} and {x.Length} values were given.", nameof(x));
        }

        if (!bias.IsEmpty && bias.Length != rows)
        {
            throw new ArgumentException($"Bias must have {rows} values (one per output row), but has {bias.Length}.", nameof(bias));
        }

        var dense = Dequantize(weight);
        var y = new T[m * rows];
        for (var i = 0; i < m; i++)
        {
            for (var r = 0; r < rows; r++)
            {
                var sum = bias.IsEmpty ? 0d : Precision<T>.ToSingle(bias[r]);
                for (var c = 0; c < columns; c++)
                {
                    sum += (double)Precision<T>.ToSingle(x[(i * columns) + c]) * Precision<T>.ToSingle(dense[(r * columns) + c]);
                }

                y[(i * rows) + r] = Precision<T>.FromSingle((float)sum);
            }
        }

        return y;
    }

    /// <summary>Packs codes (row-major) into bytes: one per code at 8 bits, two per byte (low nibble first) at 4.</summary>
    /// <exception cref="ArgumentException">4-bit codes of odd count, or one outside [-8, 7] (named by index).</exception>
    public static byte[] PackCodes(ReadOnlySpan<sbyte> codes, int bits, RtnFormat format)
    {
        var offset = OffsetFor(bits, format);
        if (bits == 8)
        {
            var bytes = new byte[codes.Length];
            for (var i = 0; i < codes.Length; i++)
            {
                bytes[i] = (byte)(codes[i] + offset);
            }

            return bytes;
        }

        RequireNibbleCodes(codes);
        var packed = new byte[codes.Length / 2];
        for (var k = 0; k < packed.Length; k++)
        {
            var low = (codes[2 * k] + offset) & 0xF;
            var high = (codes[(2 * k) + 1] + offset) & 0xF;
            packed[k] = (byte)((high << 4) | low);
        }

        return packed;
    }

    /// <summary>Reads codes back from bytes: sign-extending nibbles (signed) or subtracting <c>Q/2</c> (offset).</summary>
    public static sbyte[] UnpackCodes(ReadOnlySpan<byte> packed, int bits, RtnFormat format)
    {
        var offset = OffsetFor(bits, format);
        if (bits == 8)
        {
            var codes8 = new sbyte[packed.Length];
            for (var i = 0; i < packed.Length; i++)
            {
                codes8[i] = format == RtnFormat.Signed ? (sbyte)packed[i] : (sbyte)(packed[i] - offset);
            }

            return codes8;
        }

        var codes = new sbyte[packed.Length * 2];
        for (var k = 0; k < packed.Length; k++)
        {
            codes[2 * k] = Nibble(packed[k] & 0xF, format);
            codes[(2 * k) + 1] = Nibble(packed[k] >> 4, format);
        }

        return codes;
    }

    /// <summary>Re-encodes packed bytes from one layout to the other; codes and scales are unchanged.</summary>
    public static byte[] ConvertFormat(ReadOnlySpan<byte> packed, int bits, RtnFormat from, RtnFormat to) =>
        PackCodes(UnpackCodes(packed, bits, from), bits, to);

    /// <summary>The same weight in another byte layout.</summary>
    public static QuantizedWeight<T> ConvertFormat<T>(QuantizedWeight<T> weight, RtnFormat to)
        where T : unmanaged
    {
        ArgumentNullException.ThrowIfNull(weight);
        return new QuantizedWeight<T>(
            weight.Config, to, weight.Shape, ConvertFormat(weight.Packed, weight.Config.Bits, weight.Format, to), weight.Scales);
    }

    private static T QuantizeGroup<T>(ReadOnlySpan<T> group, Span<sbyte> codes, RtnConfig config)
        where T : unmanaged
    {
        var maxAbs = 0f;
        foreach (var x in group)
        {
            maxAbs = MathF.Max(maxAbs, MathF.Abs(Precision<T>.ToSingle(x)));
        }

        // PyTorch on CUDA divides by a scalar as a multiplication by the scalar's fp32
        // reciprocal; 2m stays in fp32 (docs/rtn-spec.md, Quantize step 2).
        var levels = (1 << config.Bits) - 1;
        var reciprocal = 1f / levels;
        var scale = Precision<T>.FromSingle(2f * maxAbs * reciprocal);
        var s = Precision<T>.ToSingle(scale);

        for (var i = 0; i < group.Length; i++)
        {
            var quotient = Precision<T>.Round(Precision<T>.ToSingle(group[i]) / s);
            var clamped = Math.Clamp(quotient, config.MinCode, config.MaxCode);

            // Only 0/0 gives NaN here (s = 0 when the group is all zeros, or its scale
            // underflowed), and the spec's zero-group rule makes that code 0.
            codes[i] = float.IsNaN(clamped) ? (sbyte)0 : (sbyte)MathF.Round(clamped, MidpointRounding.ToEven);
        }

        return scale;
    }

    // A nibble cannot hold a code outside [-8, 7], and an odd count would leave half a byte:
    // both would otherwise be written as some other, valid-looking code.
    private static void RequireNibbleCodes(ReadOnlySpan<sbyte> codes)
    {
        if (codes.Length % 2 != 0)
        {
            throw new ArgumentException($"4-bit codes pack two per byte, so their count must be even, but it is {codes.Length}.", nameof(codes));
        }

        for (var i = 0; i < codes.Length; i++)
        {
            if (codes[i] is < -8 or > 7)
            {
                throw new ArgumentOutOfRangeException(nameof(codes), codes[i], $"4-bit codes lie in [-8, 7], but code {i} is {codes[i]}.");
            }
        }
    }

    private static sbyte Nibble(int nibble, RtnFormat format) =>
        format == RtnFormat.Signed ? (sbyte)((nibble ^ 8) - 8) : (sbyte)(nibble - 8);

    private static int OffsetFor(int bits, RtnFormat format)
    {
        if (bits is not (4 or 8))
        {
            throw new ArgumentOutOfRangeException(nameof(bits), bits, $"RTN supports 4-bit or 8-bit codes, but got {bits} bits.");
        }

        return format == RtnFormat.Offset ? 1 << (bits - 1) : 0;
    }

    private static void RequireLength(int length, WeightShape shape, string parameter)
    {
        if (length != shape.ElementCount)
        {
            throw new ArgumentException($"Weight {shape} has {shape.ElementCount} values, but {length} were given.", parameter);
        }
    }

    private static void RequireFinite<T>(ReadOnlySpan<T> weights, WeightShape shape)
        where T : unmanaged
    {
        for (var i = 0; i < weights.Length; i++)
        {
            var value = Precision<T>.ToSingle(weights[i]);
            if (!float.IsFinite(value))
            {
                throw new ArgumentException(
                    $"Weight {shape} has a non-finite value ({value}) at {shape.FormatPosition(i)}; RTN quantizes finite values only.",
                    nameof(weights));
            }
        }
    }
}
