namespace Rtn;

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
        (Config, Format, Shape, Packed, Scales) = (config, format, shape, packed, scales);

        if (packed.Length != PackedLength(config.Bits, shape))
        {
            throw new ArgumentException(
                $"Weight {shape} at {config.Bits} bits packs to {PackedLength(config.Bits, shape)} bytes, but {packed.Length} were given.",
                nameof(packed));
        }

        if (scales.Length != shape.TotalRows * GroupsPerRow)
        {
            throw new ArgumentException(
                $"Weight {shape} with group size {GroupSize} has {shape.TotalRows * GroupsPerRow} scales, but {scales.Length} were given.",
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

    /// <summary>vLLM's packed tensor shape: <c>[R/2, C]</c> for 4 bits, <c>[R, C]</c> for 8, with a leading <c>E</c> for stacks.</summary>
    public long[] PackedShape => WithExperts(Config.Bits == 4 ? Shape.Rows / 2 : Shape.Rows, Shape.Columns);

    /// <summary>vLLM's scale shape: <c>[R, C/g]</c> (<c>[R, 1]</c> per row), with a leading <c>E</c> for stacks.</summary>
    public long[] ScaleShape => WithExperts(Shape.Rows, GroupsPerRow);

    /// <summary>Bytes needed for <paramref name="shape"/>'s codes at <paramref name="bits"/> bits.</summary>
    public static int PackedLength(int bits, WeightShape shape) => bits == 4 ? shape.ElementCount / 2 : shape.ElementCount;

    private long[] WithExperts(int rows, int columns) =>
        Shape.IsStack ? [Shape.Experts, rows, columns] : [rows, columns];
}
