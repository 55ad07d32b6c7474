using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using Rtn.Cli.Pipeline.Planning;

namespace Rtn.Cli.Pipeline.Formats;

/// <summary>
/// A Hugging Face <c>config.json</c>, rewritten to announce (or no longer announce) quantization:
/// <c>quantization_config</c> for the <c>rtn</c> layout (the object vLLM's
/// <c>RTNConfig.from_config</c> reads) and for compressed-tensors, <c>quantization</c> and its
/// mirror <c>quantization_config</c> for MLX. Everything else is kept in order.
/// </summary>
internal static class ModelConfigFile
{
    public const string FileName = "config.json";
    public const string QuantizationConfigKey = "quantization_config";

    private static readonly JsonSerializerOptions Indented = new()
    {
        WriteIndented = true,
        IndentSize = 2,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <summary>RTN's own quantization_config: the defaults vLLM reads, plus the layout, the rules that decided some tensor, and the quantized weights.</summary>
    public static JsonObject RtnQuantizationConfig(QuantizationScheme scheme, IEnumerable<SkipRule> skipRules, IEnumerable<string> quantized) => new()
    {
        ["quant_method"] = RtnConfig.MethodName,
        ["bits"] = scheme.Defaults.Bits,
        ["group_size"] = scheme.Defaults.GroupSize,
        ["format"] = QuantizationMetadata.FormatName(scheme.Format),
        ["overrides"] = new JsonArray([.. scheme.Overrides.Select(o => (JsonNode)o.ToString())]),
        ["skip"] = new JsonArray([.. skipRules.Select(rule => (JsonNode)rule.Pattern)]),
        ["quantized"] = new JsonArray([.. quantized.Select(name => (JsonNode)name)]),
    };

    /// <summary>The config at <paramref name="path"/> with <paramref name="entries"/> added.</summary>
    /// <exception cref="ToolException">The file is not a JSON object, or already describes a quantized model.</exception>
    public static string WithQuantization(string path, IReadOnlyList<KeyValuePair<string, JsonNode>> entries)
    {
        var root = Read(path);
        foreach (var key in new[] { QuantizationConfigKey, MlxConfigBuilder.QuantizationKey })
        {
            if (root[key] is { } existing)
            {
                var method = existing["quant_method"]?.ToJsonString() ?? "unknown";
                throw new ToolException($"{path} already has a {key} (quant_method {method}); quantize a full-precision model instead.");
            }
        }

        foreach (var (key, value) in entries)
        {
            root[key] = value;
        }

        return Serialize(root);
    }

    /// <summary>The config at <paramref name="path"/> without the quantization entries this tool reads (RTN, compressed-tensors, MLX).</summary>
    public static string WithoutQuantization(string path)
    {
        var root = Read(path);
        var method = root[QuantizationConfigKey]?["quant_method"] is JsonValue value && value.TryGetValue<string>(out var m) ? m : null;
        if (method is RtnConfig.MethodName or CompressedTensorsConfig.MethodName || (method is null && root[MlxConfigBuilder.QuantizationKey] is not null))
        {
            root.Remove(QuantizationConfigKey);
        }

        root.Remove(MlxConfigBuilder.QuantizationKey);
        return Serialize(root);
    }

    /// <summary>The parsed config at <paramref name="path"/>.</summary>
    /// <exception cref="ToolException">The file is not a JSON object.</exception>
    public static JsonObject Read(string path)
    {
        try
        {
            return JsonNode.Parse(File.ReadAllText(path)) as JsonObject
                ?? throw new ToolException($"{path}: a model config must be a JSON object.");
        }
        catch (JsonException e)
        {
            throw new ToolException($"{path} is not valid JSON: {e.Message}", e);
        }
    }

    private static string Serialize(JsonObject root) => root.ToJsonString(Indented) + "\n";
}
