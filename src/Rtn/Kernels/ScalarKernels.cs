namespace Rtn.Kernels;

/// <summary>The scalar tier: one value at a time, in place on the caller's spans.</summary>
internal static class ScalarKernels
{
    public static void Quantize<T>(int bits, int groupSize, ReadOnlySpan<T> weights, int rows, int columns, Span<byte> packed, Span<T> scales, RtnFormat format)
        where T : unmanaged
    {
        var g = KernelArguments.ForWeights<T>(bits, groupSize, rows, columns, weights.Length, packed.Length, scales.Length);
        var (minCode, maxCode) = (-(1 << (bits - 1)), (1 << (bits - 1)) - 1);
        var offset = format == RtnFormat.Offset ? 1 << (bits - 1) : 0;
        var reciprocal = 1f / ((1 << bits) - 1);

        for (var group = 0; group < scales.Length; group++)
        {
            var values = weights.Slice(group * g, g);
            var maxAbs = 0f;
            for (var i = 0; i < values.Length; i++)
            {
                var magnitude = MathF.Abs(Precision<T>.ToSingle(values[i]));
                if (!float.IsFinite(magnitude))
                {
                    throw new ArgumentException(
                        $"Weight {WeightShape.Matrix(rows, columns)} has a non-finite value at {WeightShape.Matrix(rows, columns).FormatPosition((group * g) + i)}.",
                        nameof(weights));
                }

                maxAbs = MathF.Max(maxAbs, magnitude);
            }

            scales[group] = Precision<T>.FromSingle(2f * maxAbs * reciprocal);
            var s = Precision<T>.ToSingle(scales[group]);
            for (var i = 0; i < values.Length; i++)
            {
                var y = Math.Clamp(Precision<T>.Round(Precision<T>.ToSingle(values[i]) / s), minCode, maxCode);
                var code = float.IsNaN(y) ? 0 : (int)MathF.Round(y);
                var index = (group * g) + i;
                if (bits == 8)
                {
                    packed[index] = (byte)(code + offset);
                }
                else
                {
                    var nibble = (code + offset) & 0xF;
                    ref var b = ref packed[index >> 1];
                    b = (index & 1) == 0 ? (byte)((b & 0xF0) | nibble) : (byte)((b & 0x0F) | (nibble << 4));
                }
            }
        }
    }

    public static void Dequantize<T>(int bits, int groupSize, ReadOnlySpan<byte> packed, ReadOnlySpan<T> scales, int rows, int columns, Span<T> weights, RtnFormat format)
        where T : unmanaged
    {
        var g = KernelArguments.ForWeights<T>(bits, groupSize, rows, columns, weights.Length, packed.Length, scales.Length);
        for (var i = 0; i < weights.Length; i++)
        {
            weights[i] = Precision<T>.FromSingle(Code(bits, packed, i, format) * Precision<T>.ToSingle(scales[i / g]));
        }
    }

    public static void MatMul<T>(int bits, int groupSize, ReadOnlySpan<T> x, int m, ReadOnlySpan<byte> packed, ReadOnlySpan<T> scales, int rows, int columns, ReadOnlySpan<T> bias, Span<T> y, RtnFormat format)
        where T : unmanaged
    {
        var g = KernelArguments.ForProduct<T>(bits, groupSize, m, rows, columns, x.Length, packed.Length, scales.Length, bias.Length, y.Length);
        for (var i = 0; i < m; i++)
        {
            for (var r = 0; r < rows; r++)
            {
                var total = bias.IsEmpty ? 0f : Precision<T>.ToSingle(bias[r]);
                for (var j = 0; j < columns / g; j++)
                {
                    var groupSum = 0f;
                    for (var c = j * g; c < (j + 1) * g; c++)
                    {
                        groupSum += Code(bits, packed, (r * columns) + c, format) * Precision<T>.ToSingle(x[(i * columns) + c]);
                    }

                    total += Precision<T>.ToSingle(scales[(r * (columns / g)) + j]) * groupSum;
                }

                y[(i * rows) + r] = Precision<T>.FromSingle(total);
            }
        }
    }

    private static int Code(int bits, ReadOnlySpan<byte> packed, int index, RtnFormat format)
    {
        var offset = format == RtnFormat.Offset ? 1 << (bits - 1) : 0;
        if (bits == 8)
        {
            return format == RtnFormat.Offset ? packed[index] - offset : (sbyte)packed[index];
        }

        var nibble = (index & 1) == 0 ? packed[index >> 1] & 0xF : packed[index >> 1] >> 4;
        return format == RtnFormat.Offset ? nibble - offset : ((nibble ^ 8) - 8);
    }
}
