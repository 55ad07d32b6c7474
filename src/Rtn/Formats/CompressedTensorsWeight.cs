using System.Globalization;
using System.Runtime.InteropServices;
using Rtn.Safetensors;

namespace Rtn;

/// <summary>
/// How one quantized linear module <c>P</c> lies in a compressed-tensors <c>pack-quantized</c>
/// checkpoint: <c>P.weight_packed</c> (I32 <c>[N, ⌈K·b/32⌉]</c>, see <see cref="PackedWords"/>),
/// <c>P.weight_scale</c> (the weight's dtype, <c>[N, K/g]</c>, or <c>[N, 1]</c> per channel) and
/// <c>P.weight_shape</c> (I64 or I32 <c>[N, K]</c>); a stack of experts adds a leading <c>E</c>
/// to the first two and a third entry to the shape.
/// </summary>
public static class CompressedTensorsWeight
{
    /// <summary>Suffix of the packed codes.</summary>
    public const string PackedSuffix = ".weight_packed";

    /// <summary>Suffix of the scales.</summary>
    public const string ScaleSuffix = ".weight_scale";

    /// <summary>Suffix of the logical shape.</summary>
    public const string ShapeSuffix = ".weight_shape";

    /// <summary>
    /// The logical shape and configuration the three tensors of <paramref name="module"/> hold,
    /// checked against each other and, when given, against <paramref name="expected"/> (what the
    /// config says the module is).
    /// </summary>
    /// <exception cref="FormatException">A dtype or shape is wrong, or the tensors disagree; the message names the tensor and what was found.</exception>
    public static (WeightShape Shape, RtnConfig Config) Describe(string module, TensorInfo packed, TensorInfo scale, TensorInfo shape, ReadOnlySpan<byte> shapeBytes, RtnConfig? expected)
    {
        ArgumentNullException.ThrowIfNull(packed);
        ArgumentNullException.ThrowIfNull(scale);
        ArgumentNullException.ThrowIfNull(shape);
        if (packed.DType != SafetensorsDType.I32)
        {
            throw new FormatException($"'{packed.Name}' is {packed.DType.HeaderName()}; packed weights must be I32.");
        }

        if (scale.DType is not (SafetensorsDType.F32 or SafetensorsDType.F16 or SafetensorsDType.BF16))
        {
            throw new FormatException($"'{scale.Name}' is {scale.DType.HeaderName()}; scales must be F32, F16 or BF16.");
        }

        var dimensions = ReadShape(shape, shapeBytes);
        var rank = dimensions.Length;
        if (packed.Shape.Length != rank || scale.Shape.Length != rank || (rank == 3 && (packed.Shape[0] != dimensions[0] || scale.Shape[0] != dimensions[0])))
        {
            throw new FormatException($"'{packed.Name}' {Dims(packed.Shape)} and '{scale.Name}' {Dims(scale.Shape)} do not match '{shape.Name}' {Dims(dimensions)}.");
        }

        var (rows, columns) = (dimensions[rank - 2], dimensions[rank - 1]);
        if (packed.Shape[rank - 2] != rows || scale.Shape[rank - 2] != rows)
        {
            throw new FormatException($"'{packed.Name}' {Dims(packed.Shape)} and '{scale.Name}' {Dims(scale.Shape)} must have {rows} rows, as '{shape.Name}' {Dims(dimensions)} says.");
        }

        var words = packed.Shape[rank - 1];
        int[] fitting = [.. new[] { 4, 8 }.Where(b => columns > 0 && columns <= int.MaxValue / 8 && PackedWords.WordsPerRow(b, (int)columns) == words)];
        if (fitting.Length > 1 && expected is null)
        {
            throw new FormatException(
                $"'{packed.Name}' {Dims(packed.Shape)} packs {columns} columns into {words} word(s) per row at 4 bits and at 8 bits alike; without the quantization_config the bits are unknown.");
        }

        var bits = expected is not null && fitting.Contains(expected.Bits) ? expected.Bits : fitting.FirstOrDefault();
        if (bits == 0)
        {
            throw new FormatException(
                $"'{packed.Name}' {Dims(packed.Shape)} has {words} words per row, which packs {columns} columns ('{shape.Name}' {Dims(dimensions)}) at neither 4 bits ({(columns * 4 + 31) / 32} words) nor 8 bits ({(columns * 8 + 31) / 32}).");
        }

        var groups = scale.Shape[rank - 1];
        if (groups <= 0 || columns % groups != 0)
        {
            throw new FormatException($"'{scale.Name}' {Dims(scale.Shape)} does not divide the {columns} columns of '{shape.Name}' into whole groups.");
        }

        var groupSize = (int)(columns / groups);
        var found = expected is not null && expected.Bits == bits && expected.GroupSizeFor((int)columns) == groupSize
            ? expected
            : new RtnConfig(bits, groups == 1 ? RtnConfig.PerRow : groupSize);
        if (expected is not null && found != expected)
        {
            throw new FormatException($"Module '{module}' is stored as {found.Name} (codes {Dims(packed.Shape)}, scales {Dims(scale.Shape)}), but the config says {expected.Name}.");
        }

        try
        {
            var weightShape = WeightShape.FromDimensions(dimensions);
            found.Validate(weightShape);
            return (weightShape, found);
        }
        catch (ArgumentException e)
        {
            throw new FormatException($"Module '{module}' describes a weight RTN cannot hold: {e.Message}", e);
        }
    }

    /// <summary>Writes <paramref name="dimensions"/> as the I64 bytes of <c>P.weight_shape</c>.</summary>
    public static byte[] ShapeBytes(ReadOnlySpan<long> dimensions) => MemoryMarshal.AsBytes(dimensions).ToArray();

    private static long[] ReadShape(TensorInfo shape, ReadOnlySpan<byte> bytes)
    {
        long[] values = shape.DType switch
        {
            SafetensorsDType.I64 => MemoryMarshal.Cast<byte, long>(bytes).ToArray(),
            SafetensorsDType.I32 => [.. MemoryMarshal.Cast<byte, int>(bytes).ToArray().Select(v => (long)v)],
            _ => throw new FormatException($"'{shape.Name}' is {shape.DType.HeaderName()}; a weight shape must be I64 (or I32)."),
        };
        if (shape.Shape.Length != 1 || values.Length is not (2 or 3) || values.Any(v => v <= 0 || v > int.MaxValue))
        {
            throw new FormatException($"'{shape.Name}' holds {Dims(values)}; a weight shape is [N, K] or [E, N, K] of positive sizes.");
        }

        return values;
    }

    private static string Dims(IEnumerable<long> shape) => "[" + string.Join(", ", shape.Select(d => d.ToString(CultureInfo.InvariantCulture))) + "]";
}
