namespace Rtn;

/// <summary>
/// The sizes and tensor shapes of a quantized weight, the one place they are computed. They
/// assume a shape that <see cref="RtnConfig.Validate(WeightShape)"/> accepted.
/// </summary>
public static class QuantizedWeight
{
    /// <summary>Bytes of packed codes at <paramref name="bits"/> bits: one per weight at 8, one per two at 4 (counted in 64 bits: a stack may pack to more than one array holds).</summary>
    public static long PackedLength(int bits, WeightShape shape) => bits == 4 ? shape.LongElementCount / 2 : shape.LongElementCount;

    /// <summary>Number of scales: one per group, <c>E·R·C/g</c> (counted in 64 bits).</summary>
    public static long ScaleCount(RtnConfig config, WeightShape shape)
    {
        ArgumentNullException.ThrowIfNull(config);
        return (long)shape.TotalRows * (shape.Columns / config.GroupSizeFor(shape.Columns));
    }

    /// <summary>
    /// Throws unless <paramref name="shape"/>'s codes and scales each fit one array, as
    /// <see cref="QuantizedWeight{T}"/> holds them; a larger weight is held one expert (or one
    /// slice of rows) at a time.
    /// </summary>
    /// <exception cref="ArgumentException">The codes or the scales need more than <see cref="Array.MaxLength"/> elements; the message names the shape and both sizes.</exception>
    public static void EnsureFitsOneArray(RtnConfig config, WeightShape shape)
    {
        var (packed, scales) = (PackedLength(config.Bits, shape), ScaleCount(config, shape));
        if (packed > Array.MaxLength || scales > Array.MaxLength)
        {
            throw new ArgumentException(string.Create(System.Globalization.CultureInfo.InvariantCulture,
                $"Weight {shape} at {config.Bits} bits packs to {packed} bytes of codes and {scales} scales, more than one array holds ({Array.MaxLength}); hold it one expert, or one slice of rows, at a time."));
        }
    }

    /// <summary>vLLM's packed tensor shape: <c>[R/2, C]</c> for 4 bits, <c>[R, C]</c> for 8, with a leading <c>E</c> for stacks.</summary>
    public static long[] PackedShapeOf(RtnConfig config, WeightShape shape)
    {
        ArgumentNullException.ThrowIfNull(config);
        return WithExperts(shape, config.Bits == 4 ? shape.Rows / 2 : shape.Rows, shape.Columns);
    }

    /// <summary>vLLM's scale shape: <c>[R, C/g]</c> (<c>[R, 1]</c> per row), with a leading <c>E</c> for stacks.</summary>
    public static long[] ScaleShapeOf(RtnConfig config, WeightShape shape)
    {
        ArgumentNullException.ThrowIfNull(config);
        return WithExperts(shape, shape.Rows, shape.Columns / config.GroupSizeFor(shape.Columns));
    }

    private static long[] WithExperts(WeightShape shape, int rows, int columns) =>
        shape.IsStack ? [shape.Experts, rows, columns] : [rows, columns];
}

/// <summary>
/// A quantized weight: packed codes and one scale per group, with everything needed to read
/// them back. Shapes are reported the way vLLM stores them.
/// </summary>
/// <typeparam name="T">The scale type, which is the original weight's type.</typeparam>
public sealed class QuantizedWeight<T>
    where T : unmanaged
{
    /// <summary>Wraps packed codes and scales, checking their lengths against the shape.</summary>
    public QuantizedWeight(RtnConfig config, RtnFormat format, WeightShape shape, byte[] packed, T[] scales)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(packed);
        ArgumentNullException.ThrowIfNull(scales);
        Precision<T>.EnsureSupported();
        GroupSize = config.Validate(shape);
        QuantizedWeight.EnsureFitsOneArray(config, shape);
        (Config, Format, Shape, Packed, Scales) = (config, format, shape, packed, scales);

        var packedLength = QuantizedWeight.PackedLength(config.Bits, shape);
        if (packed.Length != packedLength)
        {
            throw new ArgumentException(
                $"Weight {shape} at {config.Bits} bits packs to {packedLength} bytes, but {packed.Length} were given.",
                nameof(packed));
        }

        var scaleCount = QuantizedWeight.ScaleCount(config, shape);
        if (scales.Length != scaleCount)
        {
            throw new ArgumentException(
                $"Weight {shape} with group size {GroupSize} has {scaleCount} scales, but {scales.Length} were given.",
                nameof(scales));
        }
    }

    /// <summary>Bits and configured group size (which may be -1, per row).</summary>
    public RtnConfig Config { get; }

    /// <summary>The byte layout of <see cref="Packed"/>.</summary>
    public RtnFormat Format { get; }

    /// <summary>The logical shape of the full-precision weight.</summary>
    public WeightShape Shape { get; }

    /// <summary>Columns per scale for this shape (the column count when quantizing per row).</summary>
    public int GroupSize { get; }

    /// <summary>Scales per row.</summary>
    public int GroupsPerRow => Shape.Columns / GroupSize;

    /// <summary>Packed codes, row-major.</summary>
    public byte[] Packed { get; }

    /// <summary>Scales, row-major <c>[E·R, C/g]</c>.</summary>
    public T[] Scales { get; }

    /// <summary>vLLM's packed tensor shape (<see cref="QuantizedWeight.PackedShapeOf"/>).</summary>
    public long[] PackedShape => QuantizedWeight.PackedShapeOf(Config, Shape);

    /// <summary>vLLM's scale shape (<see cref="QuantizedWeight.ScaleShapeOf"/>).</summary>
    public long[] ScaleShape => QuantizedWeight.ScaleShapeOf(Config, Shape);

    /// <summary>Bytes needed for <paramref name="shape"/>'s codes at <paramref name="bits"/> bits (<see cref="QuantizedWeight.PackedLength"/>).</summary>
    public static long PackedLength(int bits, WeightShape shape) => QuantizedWeight.PackedLength(bits, shape);
}
