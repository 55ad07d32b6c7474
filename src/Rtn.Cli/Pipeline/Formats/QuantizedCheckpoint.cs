using System.Text.Json.Nodes;
using Rtn.Cli.Pipeline.Planning;
using Rtn.Safetensors;

namespace Rtn.Cli.Pipeline.Formats;

/// <summary>
/// Finds the quantized weights of a checkpoint in any of the three save formats. The format
/// comes from the files' <c>__metadata__</c> (written by <c>rtn quantize</c>), else from a model
/// folder's <c>config.json</c> (<c>quantization_config.quant_method: "compressed-tensors"</c>,
/// or MLX's <c>quantization</c>), else from the tensors (<c>*.weight_packed</c>). A single file's
/// neighbouring config.json is not read: it may belong to another checkpoint in that folder.
/// </summary>
internal static class QuantizedCheckpoint
{
    /// <summary>MLX groups whose scales and biases are checked at a time.</summary>
    private const int CheckedGroups = 1 << 20;

    /// <summary>The save format of <paramref name="checkpoint"/>, or null when nothing in it is quantized.</summary>
    /// <exception cref="ToolException">The metadata or config names an unknown format; the message names the file.</exception>
    public static SaveFormat? Detect(SafetensorsCheckpoint checkpoint, string inputPath)
    {
        if (checkpoint.Files.FirstOrDefault(f => QuantizationMetadata.IsQuantized(f.Metadata)) is { } file)
        {
            return QuantizationMetadata.SaveFormatOf(file.Metadata, file.Path);
        }

        var (_, config) = FolderConfig(inputPath);
        if (config?[ModelConfigFile.QuantizationConfigKey]?["quant_method"] is JsonValue method && method.TryGetValue<string>(out var name) && name == CompressedTensorsConfig.MethodName)
        {
            return SaveFormat.CompressedTensors;
        }

        if (config?[MlxConfigBuilder.QuantizationKey] is JsonObject)
        {
            return SaveFormat.Mlx;
        }

        return checkpoint.Tensors.Any(t => t.Tensor.Name.EndsWith(CompressedTensorsWeight.PackedSuffix, StringComparison.Ordinal)) ? SaveFormat.CompressedTensors : null;
    }

    /// <summary>Every quantized weight, keyed by its dense name <c>P.weight</c>; empty when the checkpoint is not quantized.</summary>
    /// <exception cref="ToolException">A config, a file's metadata or a weight's tensors are malformed or inconsistent; the message names the file, tensor and problem.</exception>
    public static Dictionary<string, QuantizedTensor> ReadAll(SafetensorsCheckpoint checkpoint, string inputPath) => Detect(checkpoint, inputPath) switch
    {
        SaveFormat.Rtn => QuantizedTensor.ReadAll(checkpoint),
        SaveFormat.CompressedTensors => ReadCompressedTensors(checkpoint, inputPath),
        SaveFormat.Mlx => ReadMlx(checkpoint, inputPath),
        _ => new Dictionary<string, QuantizedTensor>(StringComparer.Ordinal),
    };

    private static Dictionary<string, QuantizedTensor> ReadCompressedTensors(SafetensorsCheckpoint checkpoint, string inputPath)
    {
        var (configPath, config) = FolderConfig(inputPath);
        CompressedTensorsConfig? scheme = null;
        if (config?[ModelConfigFile.QuantizationConfigKey] is JsonObject quantization)
        {
            try
            {
                scheme = CompressedTensorsConfig.Parse(quantization.ToJsonString());
            }
            catch (FormatException e)
            {
                throw new ToolException($"{configPath}: {e.Message}", e);
            }
        }

        var weights = new Dictionary<string, QuantizedTensor>(StringComparer.Ordinal);
        foreach (var (file, packed) in checkpoint.Tensors.Where(t => t.Tensor.Name.EndsWith(CompressedTensorsWeight.PackedSuffix, StringComparison.Ordinal)))
        {
            var module = packed.Name[..^CompressedTensorsWeight.PackedSuffix.Length];
            var scale = Require(checkpoint, file, module + CompressedTensorsWeight.ScaleSuffix, packed.Name);
            var shape = Require(checkpoint, file, module + CompressedTensorsWeight.ShapeSuffix, packed.Name);
            var expected = scheme is not null ? scheme.ConfigFor(module) : MetadataScheme(file)?.ConfigFor(module + TensorSelector.WeightSuffix);
            try
            {
                var (weightShape, found) = CompressedTensorsWeight.Describe(module, packed, scale.Tensor, shape.Tensor, shape.GetBytes(), expected);
                var name = module + TensorSelector.WeightSuffix;
                weights[name] = new QuantizedTensor(packed, scale.Tensor, weightShape, found, RtnFormat.Offset)
                {
                    Name = name,
                    Save = SaveFormat.CompressedTensors,
                    Parts = [packed, scale.Tensor, shape.Tensor],
                };
            }
            catch (FormatException e)
            {
                throw new ToolException($"{file.Path}: {e.Message}", e);
            }
        }

        return weights;
    }

    private static Dictionary<string, QuantizedTensor> ReadMlx(SafetensorsCheckpoint checkpoint, string inputPath)
    {
        var (configPath, config) = FolderConfig(inputPath);
        var fromConfig = config?[MlxConfigBuilder.QuantizationKey] is JsonObject quantization ? MlxQuantization.Parse(quantization, configPath!) : null;
        var weights = new Dictionary<string, QuantizedTensor>(StringComparer.Ordinal);
        foreach (var (file, scales) in checkpoint.Tensors.Where(t => t.Tensor.Name.EndsWith(QuantizedOutputs.MlxScalesSuffix, StringComparison.Ordinal)))
        {
            var module = scales.Name[..^QuantizedOutputs.MlxScalesSuffix.Length];
            var name = module + TensorSelector.WeightSuffix;
            var codes = Require(checkpoint, file, name, scales.Name);
            var biases = Require(checkpoint, file, module + QuantizedOutputs.MlxBiasesSuffix, scales.Name);
            var moduleConfig = fromConfig is not null ? fromConfig.ConfigFor(module) : (MetadataScheme(file) ?? throw new ToolException(
                $"{file.Path}: an MLX checkpoint's bits are in its config.json 'quantization' entry (open the model folder) or in the __metadata__ rtn quantize writes; this file has neither."))
                .ConfigFor(name);
            if (moduleConfig is null)
            {
                continue;
            }

            weights[name] = ReadMlxWeight(file, codes, scales, biases, moduleConfig);
        }

        return weights;
    }

    private static QuantizedTensor ReadMlxWeight(SafetensorsFile file, CheckpointTensor codes, TensorInfo scales, CheckpointTensor biases, RtnConfig config)
    {
        string Problem(string what) =>
            $"{file.Path}: MLX weight '{codes.Tensor.Name}' ({QuantizedTensor.Dims(codes.Tensor)}), '{scales.Name}' ({QuantizedTensor.Dims(scales)}) and '{biases.Tensor.Name}' ({QuantizedTensor.Dims(biases.Tensor)}) {what}.";
        if (codes.Tensor.DType != SafetensorsDType.U32)
        {
            throw new ToolException(Problem("are not MLX's: the packed weight must be U32"));
        }

        if (scales.DType is not (SafetensorsDType.F32 or SafetensorsDType.F16 or SafetensorsDType.BF16) || biases.Tensor.DType != scales.DType || !biases.Tensor.Shape.SequenceEqual(scales.Shape))
        {
            throw new ToolException(Problem("do not fit: scales must be F32, F16 or BF16, and biases of the same dtype and shape"));
        }

        var rank = codes.Tensor.Shape.Length;
        if (rank is not (2 or 3) || scales.Shape.Length != rank || codes.Tensor.Shape[..^1].SequenceEqual(scales.Shape[..^1]) is false)
        {
            throw new ToolException(Problem("do not have matching [N, ·] or [E, N, ·] shapes"));
        }

        var columns = codes.Tensor.Shape[^1] * 32 / config.Bits;
        if (scales.Shape[^1] * config.GroupSize != columns)
        {
            throw new ToolException(Problem($"do not fit {config.Name}: {codes.Tensor.Shape[^1]} words hold {columns} columns, which need {columns / config.GroupSize} groups of {config.GroupSize}, not {scales.Shape[^1]}"));
        }

        // A slice of groups at a time, so the scales of a stack of any size are checked in bounded memory.
        var offset = -(float)(1 << (config.Bits - 1));
        var valueBytes = scales.DType.BitSize() / 8;
        var (scaleValues, biasValues) = (new float[Math.Min(scales.ElementCount, CheckedGroups)], new float[Math.Min(scales.ElementCount, CheckedGroups)]);
        for (var start = 0L; start < scales.ElementCount; start += CheckedGroups)
        {
            var count = (int)Math.Min(CheckedGroups, scales.ElementCount - start);
            TensorCodec.ToSingle(file.GetBytes(scales, start * valueBytes, count * valueBytes), scales.DType, scaleValues);
            TensorCodec.ToSingle(biases.File.GetBytes(biases.Tensor, start * valueBytes, count * valueBytes), biases.Tensor.DType, biasValues);
            for (var i = 0; i < count; i++)
            {
                if (biasValues[i] != offset * scaleValues[i])
                {
                    throw new ToolException(Problem(
                        $"are not symmetric: group {start + i} has bias {biasValues[i]} where RTN's codes need {offset}·scale = {offset * scaleValues[i]}; this is an asymmetric (zero-point) quantization RTN cannot hold"));
                }
            }
        }

        long[] dimensions = [.. codes.Tensor.Shape[..^1], columns];
        try
        {
            var shape = WeightShape.FromDimensions(dimensions);
            config.Validate(shape);
            return new QuantizedTensor(codes.Tensor, scales, shape, config, RtnFormat.Offset)
            {
                Save = SaveFormat.Mlx,
                Parts = [codes.Tensor, scales, biases.Tensor],
            };
        }
        catch (ArgumentException e)
        {
            throw new ToolException(Problem($"describe an impossible weight: {e.Message}"), e);
        }
    }

    private static QuantizationScheme? MetadataScheme(SafetensorsFile file) =>
        QuantizationMetadata.IsQuantized(file.Metadata) ? QuantizationMetadata.ReadScheme(file.Metadata, file.Path) : null;

    private static CheckpointTensor Require(SafetensorsCheckpoint checkpoint, SafetensorsFile file, string name, string owner) =>
        checkpoint.TryGetTensor(name, out var tensor)
            ? tensor
            : throw new ToolException($"{file.Path}: '{owner}' is quantized, but its companion tensor '{name}' is missing.");

    /// <summary>A model folder's config.json (for a folder or index input), or nulls.</summary>
    private static (string? Path, JsonObject? Config) FolderConfig(string inputPath)
    {
        var folder = Directory.Exists(inputPath) ? inputPath
            : inputPath.EndsWith(".safetensors.index.json", StringComparison.OrdinalIgnoreCase) ? Path.GetDirectoryName(Path.GetFullPath(inputPath))
            : null;
        var path = folder is null ? null : Path.Combine(folder, ModelConfigFile.FileName);
        return path is not null && File.Exists(path) ? (path, ModelConfigFile.Read(path)) : (null, null);
    }
}
