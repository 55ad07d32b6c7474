using System.Globalization;
using System.Runtime.CompilerServices;

namespace Rtn;

/// <summary>
/// Whether a quantized weight dequantizes to finite values. The reference and the kernels keep
/// the contract's arithmetic (docs/rtn-spec.md, Edge cases), which gives an infinite scale
/// when <c>fp32(2m)</c> overflows (fp32 and bf16, <c>m ≥ 2¹²⁷</c>), and an fp16 scale whose
/// <c>qmin · s</c> is beyond fp16's 65504; writers and layers check with this afterwards and
/// refuse such a weight, as they refuse NaN input.
/// </summary>
public static class FiniteResults
{
    /// <summary>Fails naming the first group whose scale is infinite or whose codes dequantize beyond <typeparamref name="T"/>.</summary>
    /// <param name="weights">The full-precision weight the codes came from, <c>rows × columns</c> values.</param>
    /// <param name="shape">The weight's shape, for the position in the message (its rows may be more than <paramref name="rows"/> when checking part of it).</param>
    /// <param name="firstRow">Which row of <paramref name="shape"/> (counting over the experts) row 0 of <paramref name="weights"/> is.</param>
    /// <param name="rows">Rows checked.</param>
    /// <param name="packed">Their packed codes.</param>
    /// <param name="scales">Their scales.</param>
    /// <param name="config">Bits and group size.</param>
    /// <param name="format">Byte layout of the codes.</param>
    /// <exception cref="ArgumentException">A group would dequantize to NaN or an infinity.</exception>
    public static void Ensure<T>(
        ReadOnlySpan<T> weights, WeightShape shape, long firstRow, int rows, ReadOnlySpan<byte> packed, ReadOnlySpan<T> scales, RtnConfig config, RtnFormat format)
        where T : unmanaged
    {
        ArgumentNullException.ThrowIfNull(config);
        var columns = shape.Columns;
        var groupSize = config.GroupSizeFor(columns);
        var groupsPerRow = columns / groupSize;
        var qmin = -(1 << (config.Bits - 1));
        for (var k = 0; k < (long)rows * groupsPerRow; k++)
        {
            var scale = Precision<T>.ToSingle(scales[k]);
            var infinite = float.IsInfinity(scale);
            if (!infinite && float.IsFinite(Precision<T>.Round(qmin * scale)))
            {
                continue;
            }

            var start = (long)k * groupSize;
            if (!infinite && !HoldsCode(packed, start, groupSize, config.Bits, format, qmin))
            {
                continue;
            }

            throw Unrepresentable(weights, shape, firstRow, config, k, scale, infinite);
        }
    }

    /// <summary>
    /// The error for group <paramref name="k"/> (counting over the rows checked): built apart from
    /// the check, which every conversion compiles when it starts, so that the check stays small.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static ArgumentException Unrepresentable<T>(ReadOnlySpan<T> weights, WeightShape shape, long firstRow, RtnConfig config, long k, float scale, bool infinite)
        where T : unmanaged
    {
        var columns = shape.Columns;
        var groupSize = config.GroupSizeFor(columns);
        var groupsPerRow = columns / groupSize;
        var qmin = -(1 << (config.Bits - 1));
        var row = firstRow + (k / groupsPerRow);
        var group = k % groupsPerRow;
        var where = shape.FormatPosition((row * columns) + (group * groupSize));
        var max = MaxMagnitude(weights.Slice((int)(k * groupSize), groupSize));
        var problem = infinite
            ? string.Create(CultureInfo.InvariantCulture, $"its scale fp32(2m)·fp32(1/{(1 << config.Bits) - 1}) overflows to infinity, so it would dequantize to NaN")
            : string.Create(CultureInfo.InvariantCulture, $"its scale {scale:R} is finite, but code {qmin} · {scale:R} = {(double)qmin * scale:R} is beyond the largest {Precision<T>.Name} value, so it would dequantize to -infinity");
        return new ArgumentException(string.Create(
            CultureInfo.InvariantCulture,
            $"group {group} of the row at {where} (columns [{group * groupSize}, {(group + 1) * groupSize})) has max|x| = {max:R}: {problem} (docs/rtn-spec.md, Edge cases)."));
    }

    private static bool HoldsCode(ReadOnlySpan<byte> packed, long start, int count, int bits, RtnFormat format, int code)
    {
        var stored = format == RtnFormat.Signed ? code & ((1 << bits) - 1) : code + (1 << (bits - 1));
        for (var i = start; i < start + count; i++)
        {
            var value = bits == 8 ? packed[(int)i] : (packed[(int)(i / 2)] >> (int)(4 * (i % 2))) & 0xF;
            if (value == stored)
            {
                return true;
            }
        }

        return false;
    }

    private static float MaxMagnitude<T>(ReadOnlySpan<T> group)
        where T : unmanaged
    {
        var max = 0f;
        foreach (var value in group)
        {
            max = Math.Max(max, Math.Abs(Precision<T>.ToSingle(value)));
        }

        return max;
    }
}
