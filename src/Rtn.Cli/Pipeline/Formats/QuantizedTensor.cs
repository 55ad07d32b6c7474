using System.Globalization;
using Rtn.Cli.Pipeline.Planning;
using Rtn.Safetensors;

namespace Rtn.Cli.Pipeline.Formats;

/// <summary>
/// A quantized weight <c>P.weight</c> as it lies in a file, in any save format: the tensor
/// holding its codes (<see cref="Weight"/>), its scales, and every stored tensor that belongs to
/// it (<see cref="Parts"/>). In the <c>rtn</c> format that is <c>P.weight</c> (I8 codes for the
/// signed layout, U8 for offset; <c>[R/2, C]</c> at 4 bits, <c>[R, C]</c> at 8, with a leading
/// <c>E</c> for stacks) and <c>P.scale</c> (<c>[R, C/g]</c> in the original dtype); bits and
/// group size follow from the two shapes and are checked against the file's metadata.
/// </summary>
internal sealed record QuantizedTensor(TensorInfo Weight, TensorInfo Scale, WeightShape Shape, RtnConfig Config, RtnFormat Format)
{
    /// <summary>The dense weight's name, <c>P.weight</c>.</summary>
    public string Name { get; init; } = Weight.Name;

    /// <summary>How the weight is stored.</summary>
    public SaveFormat Save { get; init; } = SaveFormat.Rtn;

    /// <summary>Every stored tensor of this weight: the codes, the scales and any other.</summary>
    public IReadOnlyList<TensorInfo> Parts { get; init; } = [Weight, Scale];

    /// <summary>The logical (dense) dimensions: <c>[R, C]</c> or <c>[E, R, C]</c>.</summary>
    public long[] LogicalShape => Shape.Dimensions;

    /// <summary>How <c>rtn inspect</c> and <c>rtn eval</c> describe the storage.</summary>
    public string Storage => $"{Config.Name} {(Save == SaveFormat.Rtn ? QuantizationMetadata.FormatName(Format) : Save.Name())}";

    /// <summary>The codes in <see cref="Format"/>'s byte layout, from the stored bytes of <paramref name="rows"/> rows of <see cref="Weight"/>.</summary>
    public ReadOnlySpan<byte> Codes(ReadOnlySpan<byte> stored, int rows) =>
        Save == SaveFormat.Rtn ? stored : PackedWords.ToOffsetCodes(stored, rows, Shape.Columns, Config.Bits);

    /// <summary>Every quantized weight of an <c>rtn</c>-format <paramref name="checkpoint"/>, by name, checked against its file's metadata.</summary>
    /// <exception cref="ToolException">A file's metadata or a pair is inconsistent; the message names the file and tensors.</exception>
    public static Dictionary<string, QuantizedTensor> ReadAll(SafetensorsCheckpoint checkpoint)
    {
        var pairs = new Dictionary<string, QuantizedTensor>(StringComparer.Ordinal);
        foreach (var file in checkpoint.Files)
        {
            var scheme = QuantizationMetadata.Read(file.Metadata, file.Path);
            foreach (var tensor in file.Tensors.Where(t => t.Name.EndsWith(TensorSelector.WeightSuffix, StringComparison.Ordinal)))
            {
                checkpoint.TryGetTensor(QuantizedNames.ScaleFor(tensor.Name), out var scale);
                if (TryRead(file.Path, tensor, scale?.Tensor, scheme) is { } pair)
                {
                    pairs.Add(tensor.Name, pair);
                }
            }
        }

        return pairs;
    }

    /// <summary>
    /// Reads weight <paramref name="weight"/> and its scale as a quantized pair, or returns
    /// null when <paramref name="weight"/> is not one (a tensor that was copied unchanged).
    /// </summary>
    /// <exception cref="ToolException">The pair is inconsistent with itself or with <paramref name="scheme"/>; the message names the file and tensors.</exception>
    public static QuantizedTensor? TryRead(string path, TensorInfo weight, TensorInfo? scale, QuantizationScheme scheme)
    {
        if (scale is null || weight.DType is not (SafetensorsDType.I8 or SafetensorsDType.U8))
        {
            return null;
        }

        string Problem(string what) =>
            $"{path}: quantized weight '{weight.Name}' ({Dims(weight)}) and its scale '{scale.Name}' ({Dims(scale)}) {what}.";

        var format = weight.DType == SafetensorsDType.I8 ? RtnFormat.Signed : RtnFormat.Offset;
        if (format != scheme.Format)
        {
            throw new ToolException(Problem(
                $"are {weight.DType.HeaderName()}, the {QuantizationMetadata.FormatName(format)} layout, but the file's metadata says {QuantizationMetadata.FormatName(scheme.Format)}"));
        }

        if (scale.DType is not (SafetensorsDType.F32 or SafetensorsDType.F16 or SafetensorsDType.BF16))
        {
            throw new ToolException(Problem($"do not fit: scales must be F32, F16 or BF16, not {scale.DType.HeaderName()}"));
        }

        var rank = weight.Shape.Length;
        if (rank is not (2 or 3) || scale.Shape.Length != rank || (rank == 3 && weight.Shape[0] != scale.Shape[0]))
        {
            throw new ToolException(Problem("do not have matching [R, C] or [E, R, C] shapes"));
        }

        var (packedRows, columns) = (weight.Shape[rank - 2], weight.Shape[rank - 1]);
        var (rows, groups) = (scale.Shape[rank - 2], scale.Shape[rank - 1]);
        var bits = packedRows == rows ? 8 : packedRows * 2 == rows ? 4 : 0;
        if (bits == 0 || groups <= 0 || columns % groups != 0)
        {
            throw new ToolException(Problem("do not fit together: the codes must have R or R/2 rows and the scales must divide the C columns into whole groups"));
        }

        var expected = scheme.ConfigFor(weight.Name);
        var groupSize = (int)(columns / groups);
        var found = expected.Bits == bits && expected.GroupSizeFor((int)columns) == groupSize ? expected : new RtnConfig(bits, groupSize);
        if (found != expected)
        {
            throw new ToolException(Problem($"are {found.Name}, but the file's metadata says this tensor is {expected.Name}"));
        }

        var dimensions = rank == 3 ? new[] { weight.Shape[0], rows, columns } : [rows, columns];
        WeightShape shape;
        try
        {
            shape = WeightShape.FromDimensions(dimensions);
            found.Validate(shape);
        }
        catch (ArgumentException e)
        {
            throw new ToolException(Problem($"describe an impossible weight: {e.Message}"), e);
        }

        return new QuantizedTensor(weight, scale, shape, found, format);
    }

    public static string Dims(TensorInfo tensor) => $"{tensor.DType.HeaderName()} {Dims(tensor.Shape.AsSpan())}";

    public static string Dims(ReadOnlySpan<long> shape) =>
        "[" + string.Join(", ", shape.ToArray().Select(d => d.ToString(CultureInfo.InvariantCulture))) + "]";
}
