using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Rtn.Cli.Pipeline.Formats;

/// <summary>
/// A Hugging Face <c>config.json</c>, rewritten to announce (or no longer announce) RTN
/// quantization: <c>"quantization_config": {"quant_method": "rtn", "bits": b, "group_size": g}</c>,
/// the object vLLM's <c>RTNConfig.from_config</c> reads. Everything else is kept in order.
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

    /// <summary>The config at <paramref name="path"/> with RTN's quantization_config added.</summary>
    /// <exception cref="ToolException">The file is not a JSON object, or already describes a quantized model.</exception>
    public static string WithQuantization(string path, RtnConfig config)
    {
        var root = Read(path);
        if (root[QuantizationConfigKey] is { } existing)
        {
            var method = existing["quant_method"]?.ToJsonString() ?? "unknown";
            throw new ToolException($"{path} already has a {QuantizationConfigKey} (quant_method {method}); quantize a full-precision model instead.");
        }

        root[QuantizationConfigKey] = new JsonObject
        {
            ["quant_method"] = RtnConfig.MethodName,
            ["bits"] = config.Bits,
            ["group_size"] = config.GroupSize,
        };
        return root.ToJsonString(Indented) + "\n";
    }

    /// <summary>The config at <paramref name="path"/> without RTN's quantization_config.</summary>
    public static string WithoutQuantization(string path)
    {
        var root = Read(path);
        if (root[QuantizationConfigKey]?["quant_method"]?.GetValueKind() == JsonValueKind.String
            && root[QuantizationConfigKey]!["quant_method"]!.GetValue<string>() == RtnConfig.MethodName)
        {
            root.Remove(QuantizationConfigKey);
        }

        return root.ToJsonString(Indented) + "\n";
    }

    private static JsonObject Read(string path)
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
}
