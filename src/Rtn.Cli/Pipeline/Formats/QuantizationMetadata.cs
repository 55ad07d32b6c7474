using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Rtn.Cli.Pipeline.Planning;

namespace Rtn.Cli.Pipeline.Formats;

/// <summary>
/// What a quantized file's <c>__metadata__</c> records about how it was made, so that readers
/// (dequantize, eval, inspect) need no command-line options: the save format, the defaults, the
/// byte layout, the overrides and skip rules that decided some tensor, and the tensors of that
/// file that were quantized. Values are strings, as the format requires; lists are JSON arrays.
/// Keys other than these are left as they were.
/// </summary>
internal static class QuantizationMetadata
{
    public const string MethodKey = "quant_method";
    public const string BitsKey = "rtn.bits";
    public const string GroupSizeKey = "rtn.group_size";
    public const string FormatKey = "rtn.format";
    public const string OverridesKey = "rtn.overrides";
    public const string SaveFormatKey = "rtn.save_format";
    public const string SkipKey = "rtn.skip";
    public const string QuantizedKey = "rtn.quantized";

    private static readonly string[] Keys = [MethodKey, BitsKey, GroupSizeKey, FormatKey, OverridesKey, SaveFormatKey, SkipKey, QuantizedKey];

    public static bool IsQuantized(IReadOnlyDictionary<string, string> metadata) =>
        metadata.TryGetValue(MethodKey, out var method) && method == RtnConfig.MethodName;

    /// <summary>
    /// The input's metadata with the scheme added: <paramref name="scheme"/> holds the overrides
    /// that decided some tensor, <paramref name="skipRules"/> the skip rules that did, and
    /// <paramref name="quantized"/> names this file's quantized weights.
    /// </summary>
    public static Dictionary<string, string> With(
        IReadOnlyDictionary<string, string> metadata, QuantizationScheme scheme, SaveFormat save, IEnumerable<SkipRule> skipRules, IEnumerable<string> quantized)
    {
        var overrides = new JsonArray([.. scheme.Overrides.Select(o => (JsonNode)new JsonObject
        {
            ["pattern"] = o.Pattern,
            ["bits"] = o.Bits,
            ["group_size"] = o.GroupSize is { } g ? JsonValue.Create(g) : null,
        })]);

        var result = Without(metadata);
        result[MethodKey] = RtnConfig.MethodName;
        result[BitsKey] = scheme.Defaults.Bits.ToString(CultureInfo.InvariantCulture);
        result[GroupSizeKey] = scheme.Defaults.GroupSize.ToString(CultureInfo.InvariantCulture);
        result[FormatKey] = FormatName(scheme.Format);
        result[OverridesKey] = overrides.ToJsonString();
        result[SaveFormatKey] = save.Name();
        result[SkipKey] = new JsonArray([.. skipRules.Select(rule => (JsonNode)new JsonObject { ["rule"] = rule.Description, ["pattern"] = rule.Pattern })]).ToJsonString();
        result[QuantizedKey] = new JsonArray([.. quantized.Select(name => (JsonNode)name)]).ToJsonString();
        return result;
    }

    /// <summary>The metadata with the scheme's keys removed (what dequantizing writes).</summary>
    public static Dictionary<string, string> Without(IReadOnlyDictionary<string, string> metadata) =>
        metadata.Where(entry => !Keys.Contains(entry.Key)).ToDictionary(StringComparer.Ordinal);

    /// <summary>Reads the scheme back.</summary>
    /// <exception cref="ToolException">The file is not RTN-quantized, or its metadata is malformed; the message names <paramref name="path"/>.</exception>
    public static QuantizationScheme Read(IReadOnlyDictionary<string, string> metadata, string path)
    {
        if (!IsQuantized(metadata))
        {
            throw new ToolException($"{path}: not an RTN-quantized file (its __metadata__ has no \"{MethodKey}\": \"{RtnConfig.MethodName}\").");
        }

        try
        {
            var config = new RtnConfig(ReadInteger(metadata, BitsKey, path), ReadInteger(metadata, GroupSizeKey, path));
            var format = ParseFormat(Require(metadata, FormatKey, path))
                ?? throw new ToolException($"{path}: __metadata__ \"{FormatKey}\" is \"{metadata[FormatKey]}\"; expected \"signed\" or \"offset\".");
            return new QuantizationScheme(config, format, ReadOverrides(metadata, path));
        }
        catch (ArgumentException e)
        {
            throw new ToolException($"{path}: __metadata__ holds an invalid RTN configuration: {e.Message}", e);
        }
    }

    /// <summary>The save format a quantized file's metadata names (<c>rtn</c> when it names none).</summary>
    /// <exception cref="ToolException">The value is not a known save format.</exception>
    public static SaveFormat SaveFormatOf(IReadOnlyDictionary<string, string> metadata, string path) =>
        !metadata.TryGetValue(SaveFormatKey, out var text) ? SaveFormat.Rtn
            : SaveFormats.Parse(text) ?? throw new ToolException(
                $"{path}: __metadata__ \"{SaveFormatKey}\" is \"{text}\"; expected {SaveFormats.CompressedTensorsName}, {SaveFormats.MlxName} or {SaveFormats.RtnName}.");

    /// <summary>The scheme of a file in the compressed-tensors or MLX format (whose codes are always offset).</summary>
    public static QuantizationScheme ReadScheme(IReadOnlyDictionary<string, string> metadata, string path)
    {
        try
        {
            var config = new RtnConfig(ReadInteger(metadata, BitsKey, path), ReadInteger(metadata, GroupSizeKey, path));
            return new QuantizationScheme(config, RtnFormat.Offset, ReadOverrides(metadata, path));
        }
        catch (ArgumentException e)
        {
            throw new ToolException($"{path}: __metadata__ holds an invalid RTN configuration: {e.Message}", e);
        }
    }

    public static string FormatName(RtnFormat format) => format == RtnFormat.Offset ? "offset" : "signed";

    public static RtnFormat? ParseFormat(string text) => text switch
    {
        "signed" => RtnFormat.Signed,
        "offset" => RtnFormat.Offset,
        _ => null,
    };

    private static List<QuantizationOverride> ReadOverrides(IReadOnlyDictionary<string, string> metadata, string path)
    {
        if (!metadata.TryGetValue(OverridesKey, out var json))
        {
            return [];
        }

        var malformed = $"{path}: __metadata__ \"{OverridesKey}\" is not a list of {{pattern, bits, group_size}} objects: {json}";
        JsonNode? root;
        try
        {
            root = JsonNode.Parse(json);
        }
        catch (JsonException e)
        {
            throw new ToolException(malformed, e);
        }

        if (root is not JsonArray entries)
        {
            throw new ToolException(malformed);
        }

        var overrides = new List<QuantizationOverride>();
        foreach (var entry in entries)
        {
            if (entry is not JsonObject item
                || item["pattern"] is not JsonValue patternValue || !patternValue.TryGetValue<string>(out var pattern)
                || item["bits"] is not JsonValue bitsValue || !bitsValue.TryGetValue<int>(out var bits))
            {
                throw new ToolException(malformed);
            }

            int? groupSize = item["group_size"] switch
            {
                null => null,
                JsonValue value when value.TryGetValue<int>(out var g) => g,
                _ => throw new ToolException(malformed),
            };

            try
            {
                TensorPatterns.Compile(pattern);
                _ = new RtnConfig(bits, groupSize ?? RtnConfig.PerRow);
            }
            catch (Exception e) when (e is FormatException or ArgumentException)
            {
                throw new ToolException($"{malformed} ({e.Message})", e);
            }

            overrides.Add(new QuantizationOverride(pattern, bits, groupSize));
        }

        return overrides;
    }

    private static int ReadInteger(IReadOnlyDictionary<string, string> metadata, string key, string path)
    {
        var text = Require(metadata, key, path);
        return int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value)
            ? value
            : throw new ToolException($"{path}: __metadata__ \"{key}\" is \"{text}\", not an integer.");
    }

    private static string Require(IReadOnlyDictionary<string, string> metadata, string key, string path) =>
        metadata.TryGetValue(key, out var value)
            ? value
            : throw new ToolException($"{path}: __metadata__ says quant_method rtn but has no \"{key}\".");
}
