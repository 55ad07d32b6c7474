using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Rtn;

/// <summary>
/// A compressed-tensors <c>quantization_config</c> (<c>quant_method: "compressed-tensors"</c>,
/// <c>format: "pack-quantized"</c>, <c>quantization_status: "compressed"</c>) restricted to what
/// RTN is: symmetric integer weights, 4 or 8 bits, per group or per channel, static, without
/// activation ordering and without quantized activations. Anything else is refused with an
/// error that names the field.
/// </summary>
public sealed class CompressedTensorsConfig
{
    /// <summary>The <c>quant_method</c> value.</summary>
    public const string MethodName = "compressed-tensors";

    /// <summary>The only <c>format</c> accepted: codes packed into int32 words along each row.</summary>
    public const string PackQuantized = "pack-quantized";

    /// <summary>The class target that selects every linear layer.</summary>
    public const string LinearTarget = "Linear";

    /// <summary>The prefix of a regular-expression target or ignore entry.</summary>
    public const string RegexPrefix = "re:";

    private static readonly TimeSpan MatchTimeout = TimeSpan.FromSeconds(1);

    private CompressedTensorsConfig(IReadOnlyList<CompressedTensorsGroup> groups, IReadOnlyList<string> ignore)
    {
        (Groups, Ignore) = (groups, ignore);
    }

    /// <summary>The configuration groups, in the file's order.</summary>
    public IReadOnlyList<CompressedTensorsGroup> Groups { get; }

    /// <summary>Modules left dense: exact names or <c>re:</c> patterns.</summary>
    public IReadOnlyList<string> Ignore { get; }

    /// <summary>Reads a <c>quantization_config</c> object.</summary>
    /// <exception cref="FormatException">A field is missing, malformed or describes a scheme RTN cannot hold; the message names the field.</exception>
    public static CompressedTensorsConfig Parse(JsonElement quantizationConfig)
    {
        if (quantizationConfig.ValueKind != JsonValueKind.Object)
        {
            throw new FormatException($"quantization_config must be a JSON object, but it is {quantizationConfig.ValueKind}.");
        }

        RequireString(quantizationConfig, "quant_method", MethodName, "quantization_config");
        RequireString(quantizationConfig, "format", PackQuantized, "quantization_config");
        RequireString(quantizationConfig, "quantization_status", "compressed", "quantization_config");
        RequireNull(quantizationConfig, "kv_cache_scheme", "quantization_config", "a quantized KV cache is not supported");

        if (!quantizationConfig.TryGetProperty("config_groups", out var groupsElement) || groupsElement.ValueKind != JsonValueKind.Object)
        {
            throw new FormatException("quantization_config.config_groups must be an object of named groups.");
        }

        var groups = new List<CompressedTensorsGroup>();
        foreach (var group in groupsElement.EnumerateObject())
        {
            groups.Add(ParseGroup(group.Name, group.Value));
        }

        if (groups.Count == 0)
        {
            throw new FormatException("quantization_config.config_groups is empty, so nothing is quantized.");
        }

        var ignore = quantizationConfig.TryGetProperty("ignore", out var ignoreElement) && ignoreElement.ValueKind != JsonValueKind.Null
            ? Strings(ignoreElement, "quantization_config.ignore")
            : [];
        return new CompressedTensorsConfig(groups, ignore);
    }

    /// <summary>Parses <paramref name="json"/> as a <c>quantization_config</c> object.</summary>
    public static CompressedTensorsConfig Parse(string json)
    {
        using var document = JsonDocument.Parse(json);
        return Parse(document.RootElement);
    }

    /// <summary>
    /// The configuration of module <paramref name="module"/> (a tensor name without <c>.weight</c>),
    /// or null when the ignore list names it or no group targets it. As in compressed-tensors and
    /// vLLM, a target naming the module (exactly or by <c>re:</c>, matched from the start of the
    /// name) wins over the <c>Linear</c> class target.
    /// </summary>
    public RtnConfig? ConfigFor(string module)
    {
        ArgumentNullException.ThrowIfNull(module);
        if (Ignore.Any(entry => NameMatches(entry, module)))
        {
            return null;
        }

        return Groups.FirstOrDefault(g => g.Targets.Any(t => NameMatches(t, module)))?.Config
            ?? Groups.FirstOrDefault(g => g.Targets.Contains(LinearTarget, StringComparer.Ordinal))?.Config;
    }

    /// <summary>Whether an exact-name or <c>re:</c> entry matches <paramref name="module"/>; <c>re:</c> is anchored at the start, as Python's <c>re.match</c>.</summary>
    public static bool NameMatches(string entry, string module)
    {
        ArgumentNullException.ThrowIfNull(entry);
        return entry.StartsWith(RegexPrefix, StringComparison.Ordinal)
            ? new Regex($"^(?:{entry[RegexPrefix.Length..]})", RegexOptions.CultureInvariant, MatchTimeout).IsMatch(module)
            : entry == module;
    }

    private static CompressedTensorsGroup ParseGroup(string name, JsonElement group)
    {
        var where = $"quantization_config.config_groups.{name}";
        if (group.ValueKind != JsonValueKind.Object)
        {
            throw new FormatException($"{where} must be an object.");
        }

        if (!group.TryGetProperty("targets", out var targets))
        {
            throw new FormatException($"{where}.targets is missing.");
        }

        RequireNull(group, "input_activations", where, "activation quantization is not supported; RTN quantizes weights only");
        RequireNull(group, "output_activations", where, "activation quantization is not supported; RTN quantizes weights only");
        if (group.TryGetProperty("format", out var format) && format.ValueKind != JsonValueKind.Null
            && !(format.ValueKind == JsonValueKind.String && format.GetString() == PackQuantized))
        {
            throw new FormatException($"{where}.format is {format.GetRawText()}; only \"{PackQuantized}\" is supported.");
        }

        if (!group.TryGetProperty("weights", out var weights) || weights.ValueKind != JsonValueKind.Object)
        {
            throw new FormatException($"{where}.weights must be an object describing the weight quantization.");
        }

        return new CompressedTensorsGroup(name, Strings(targets, $"{where}.targets"), ParseWeights(weights, $"{where}.weights"));
    }

    private static RtnConfig ParseWeights(JsonElement weights, string where)
    {
        var bits = weights.TryGetProperty("num_bits", out var bitsElement) && bitsElement.TryGetInt32(out var b)
            ? b
            : throw new FormatException($"{where}.num_bits must be an integer.");
        if (!RtnConfig.IsSupportedBits(bits))
        {
            throw new FormatException(string.Create(CultureInfo.InvariantCulture, $"{where}.num_bits is {bits}; only 4 and 8 are supported."));
        }

        RequireOptionalString(weights, "type", "int", where);
        if (weights.TryGetProperty("symmetric", out var symmetric) && symmetric.ValueKind != JsonValueKind.True)
        {
            throw new FormatException($"{where}.symmetric is {symmetric.GetRawText()}; asymmetric (zero-point) schemes are not supported.");
        }

        if (weights.TryGetProperty("dynamic", out var dynamic) && dynamic.ValueKind is not (JsonValueKind.False or JsonValueKind.Null))
        {
            throw new FormatException($"{where}.dynamic is {dynamic.GetRawText()}; only static weight scales are supported.");
        }

        if (weights.TryGetProperty("actorder", out var actorder) && actorder.ValueKind is not (JsonValueKind.Null or JsonValueKind.False))
        {
            throw new FormatException($"{where}.actorder is {actorder.GetRawText()}; activation ordering is not supported.");
        }

        RequireNull(weights, "block_structure", where, "block quantization is not supported");

        int? groupSize = weights.TryGetProperty("group_size", out var groupElement) && groupElement.ValueKind != JsonValueKind.Null
            ? groupElement.TryGetInt32(out var g) ? g : throw new FormatException($"{where}.group_size must be an integer or null.")
            : null;
        var strategy = weights.TryGetProperty("strategy", out var strategyElement) && strategyElement.ValueKind == JsonValueKind.String
            ? strategyElement.GetString()!.ToLowerInvariant()
            : groupSize is > 0 ? "group" : groupSize == RtnConfig.PerRow ? "channel" : "tensor";
        return strategy switch
        {
            "group" when groupSize is > 0 => new RtnConfig(bits, groupSize.Value),
            "channel" when groupSize is null or RtnConfig.PerRow => new RtnConfig(bits, RtnConfig.PerRow),
            _ => throw new FormatException(
                $"{where}.strategy is \"{strategy}\" with group_size {groupSize?.ToString(CultureInfo.InvariantCulture) ?? "null"}; only \"group\" (with a positive group_size) and \"channel\" are supported."),
        };
    }

    private static string[] Strings(JsonElement element, string where)
    {
        if (element.ValueKind != JsonValueKind.Array || element.EnumerateArray().Any(e => e.ValueKind != JsonValueKind.String))
        {
            throw new FormatException($"{where} must be a list of strings, but is {element.GetRawText()}.");
        }

        return [.. element.EnumerateArray().Select(e => e.GetString()!)];
    }

    private static void RequireString(JsonElement parent, string key, string expected, string where)
    {
        if (!parent.TryGetProperty(key, out var value) || value.ValueKind != JsonValueKind.String || value.GetString() != expected)
        {
            var found = parent.TryGetProperty(key, out var v) ? v.GetRawText() : "missing";
            throw new FormatException($"{where}.{key} is {found}; expected \"{expected}\".");
        }
    }

    private static void RequireOptionalString(JsonElement parent, string key, string expected, string where)
    {
        if (parent.TryGetProperty(key, out var value) && value.ValueKind != JsonValueKind.Null
            && !(value.ValueKind == JsonValueKind.String && string.Equals(value.GetString(), expected, StringComparison.OrdinalIgnoreCase)))
        {
            throw new FormatException($"{where}.{key} is {value.GetRawText()}; only \"{expected}\" is supported.");
        }
    }

    private static void RequireNull(JsonElement parent, string key, string where, string why)
    {
        if (parent.TryGetProperty(key, out var value) && value.ValueKind != JsonValueKind.Null)
        {
            throw new FormatException($"{where}.{key} is set; {why}.");
        }
    }
}
