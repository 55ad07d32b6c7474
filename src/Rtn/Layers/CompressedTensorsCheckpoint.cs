using System.Runtime.InteropServices;
using System.Text.Json;
using Rtn.Safetensors;

namespace Rtn.Layers;

/// <summary>
/// A compressed-tensors <c>pack-quantized</c> checkpoint (symmetric W4A16 or W8A16, as
/// <c>rtn quantize</c>, llm-compressor and other tools write it) opened for loading its
/// quantized modules straight into <see cref="RtnLinear{T}"/> and <see cref="RtnExpertLinear{T}"/>:
/// the stored codes and scales are copied as they are, never re-quantized. The model folder's
/// <c>config.json</c> must carry the <c>quantization_config</c> (<see cref="CompressedTensorsConfig"/>).
/// </summary>
public sealed class CompressedTensorsCheckpoint : IDisposable
{
    private const string BiasSuffix = ".bias";

    private CompressedTensorsCheckpoint(SafetensorsCheckpoint tensors, CompressedTensorsConfig config)
    {
        (Tensors, Config) = (tensors, config);
    }

    /// <summary>The checkpoint's tensors.</summary>
    public SafetensorsCheckpoint Tensors { get; }

    /// <summary>The quantization config read from <c>config.json</c>.</summary>
    public CompressedTensorsConfig Config { get; }

    /// <summary>Opens the model folder <paramref name="folder"/> (single file or sharded).</summary>
    /// <exception cref="FormatException">config.json is missing, or its quantization_config is not a supported compressed-tensors scheme; the message names the file and field.</exception>
    public static CompressedTensorsCheckpoint Open(string folder)
    {
        var configPath = Path.Combine(folder, "config.json");
        if (!File.Exists(configPath))
        {
            throw new FormatException($"{configPath} does not exist; a compressed-tensors checkpoint describes its quantization there.");
        }

        CompressedTensorsConfig config;
        try
        {
            using var document = JsonDocument.Parse(File.ReadAllText(configPath));
            if (!document.RootElement.TryGetProperty("quantization_config", out var quantization))
            {
                throw new FormatException("it has no quantization_config.");
            }

            config = CompressedTensorsConfig.Parse(quantization);
        }
        catch (Exception e) when (e is FormatException or JsonException)
        {
            throw new FormatException($"{configPath}: {e.Message}", e);
        }

        return new CompressedTensorsCheckpoint(SafetensorsCheckpoint.Open(folder), config);
    }

    /// <summary>
    /// A linear layer from one module, or a fused layer from several (e.g. the q, k and v
    /// projections, as partitions in that order), which must then share one configuration.
    /// A bias is loaded when every module has one.
    /// </summary>
    /// <param name="modules">Module names without <c>.weight</c>, e.g. <c>model.layers.0.self_attn.q_proj</c>.</param>
    /// <exception cref="FormatException">A module is not quantized, its tensors are malformed, or the modules disagree; the message names the tensor.</exception>
    /// <exception cref="ArgumentException">The layer's codes or scales need more than one array holds; the message names the shape.</exception>
    public RtnLinear<T> LoadLinear<T>(params string[] modules)
        where T : unmanaged
    {
        var parts = Describe<T>(modules, stack: false);
        var biases = modules.Select(m => Tensors.TryGetTensor(m + BiasSuffix, out var bias) ? bias : (CheckpointTensor?)null).ToArray();
        var hasBias = biases.All(b => b is not null);
        var layer = new RtnLinear<T>(parts[0].Shape.Columns, [.. parts.Select(p => p.Shape.Rows)], parts[0].Config, RtnFormat.Offset, hasBias, string.Join("+", modules));
        for (var i = 0; i < parts.Length; i++)
        {
            layer.LoadQuantizedPartition(i, parts[i].Codes(0, parts[i].Shape.Rows), RtnFormat.Offset, parts[i].Scales<T>(0, parts[i].Shape.Rows));
            if (hasBias)
            {
                layer.LoadBias(i, Values<T>(biases[i]!, modules[i] + BiasSuffix));
            }
        }

        return layer;
    }

    /// <summary>
    /// A stack of experts <c>[E, N, K]</c> from one module (e.g. <c>model.layers.0.mlp.experts.w13</c>),
    /// read one expert at a time: the stack may be larger than one array holds, as long as each expert fits one.
    /// </summary>
    /// <exception cref="FormatException">The module is not a quantized stack, or its tensors are malformed; the message names the tensor.</exception>
    /// <exception cref="ArgumentException">One expert's codes or scales need more than one array holds; the message names the shape.</exception>
    public RtnExpertLinear<T> LoadExperts<T>(string module)
        where T : unmanaged
    {
        var part = Describe<T>([module], stack: true)[0];
        var layer = new RtnExpertLinear<T>(part.Shape.Experts, part.Shape.Columns, part.Shape.Rows, part.Config, RtnFormat.Offset, module);
        for (var e = 0; e < part.Shape.Experts; e++)
        {
            var firstRow = (long)e * part.Shape.Rows;
            layer.LoadQuantizedPartition(e, 0, part.Codes(firstRow, part.Shape.Rows), RtnFormat.Offset, part.Scales<T>(firstRow, part.Shape.Rows));
        }

        return layer;
    }

    /// <inheritdoc/>
    public void Dispose() => Tensors.Dispose();

    private StoredWeight[] Describe<T>(string[] modules, bool stack)
        where T : unmanaged
    {
        ArgumentNullException.ThrowIfNull(modules);
        if (modules.Length == 0)
        {
            throw new ArgumentException("Name at least one module.", nameof(modules));
        }

        var parts = new StoredWeight[modules.Length];
        for (var i = 0; i < modules.Length; i++)
        {
            var module = modules[i];
            var expected = Config.ConfigFor(module)
                ?? throw new FormatException($"{Tensors.Path}: module '{module}' is not quantized (the quantization_config ignores it or no group targets it).");
            var packed = Require(module + CompressedTensorsWeight.PackedSuffix);
            var scale = Require(module + CompressedTensorsWeight.ScaleSuffix);
            var shape = Require(module + CompressedTensorsWeight.ShapeSuffix);
            var (weightShape, config) = CompressedTensorsWeight.Describe(module, packed.Tensor, scale.Tensor, shape.Tensor, shape.GetBytes(), expected);
            if (weightShape.IsStack != stack)
            {
                throw new FormatException($"{packed.File.Path}: '{packed.Tensor.Name}' holds a {weightShape}; load {(stack ? "a matrix with LoadLinear" : "a stack with LoadExperts")}.");
            }

            if (i > 0 && (config != parts[0].Config || weightShape.Columns != parts[0].Shape.Columns))
            {
                throw new FormatException(
                    $"{packed.File.Path}: module '{module}' is {config.Name} with {weightShape.Columns} input columns, but '{modules[0]}' is {parts[0].Config.Name} with {parts[0].Shape.Columns}; fused partitions must share one scheme.");
            }

            RequireElementType<T>(scale, scale.Tensor.Name);
            parts[i] = new StoredWeight(weightShape, config, packed, scale);
        }

        return parts;
    }

    private CheckpointTensor Require(string name) =>
        Tensors.TryGetTensor(name, out var tensor) ? tensor : throw new FormatException($"{Tensors.Path} has no tensor '{name}'.");

    private static T[] Values<T>(CheckpointTensor tensor, string name)
        where T : unmanaged
    {
        RequireElementType<T>(tensor, name);
        return MemoryMarshal.Cast<byte, T>(tensor.GetBytes()).ToArray();
    }

    private static void RequireElementType<T>(CheckpointTensor tensor, string name)
        where T : unmanaged
    {
        var expected = typeof(T) == typeof(float) ? SafetensorsDType.F32 : typeof(T) == typeof(Half) ? SafetensorsDType.F16 : SafetensorsDType.BF16;
        if (tensor.Tensor.DType != expected)
        {
            throw new FormatException($"{tensor.File.Path}: '{name}' is {tensor.Tensor.DType.HeaderName()}, but the layer's element type {typeof(T).Name} needs {expected.HeaderName()}.");
        }
    }

    /// <summary>A quantized module's shape, scheme and stored tensors, read a range of rows at a time.</summary>
    private readonly record struct StoredWeight(WeightShape Shape, RtnConfig Config, CheckpointTensor Packed, CheckpointTensor Scale)
    {
        /// <summary>Rows <c>[firstRow, firstRow + rows)</c> (counting over the experts) of the codes, in the offset layout.</summary>
        public byte[] Codes(long firstRow, int rows)
        {
            var rowBytes = Packed.Tensor.ByteLength / Shape.TotalRows;
            return PackedWords.ToOffsetCodes(Packed.File.GetBytes(Packed.Tensor, firstRow * rowBytes, checked((int)(rows * rowBytes))), rows, Shape.Columns, Config.Bits);
        }

        /// <summary>The scales of the same rows, a view of the file.</summary>
        public ReadOnlySpan<T> Scales<T>(long firstRow, int rows)
            where T : unmanaged
        {
            var rowBytes = Scale.Tensor.ByteLength / Shape.TotalRows;
            return MemoryMarshal.Cast<byte, T>(Scale.File.GetBytes(Scale.Tensor, firstRow * rowBytes, checked((int)(rows * rowBytes))));
        }
    }
}
