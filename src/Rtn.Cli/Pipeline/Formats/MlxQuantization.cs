using System.Text.Json;
using System.Text.Json.Nodes;

namespace Rtn.Cli.Pipeline.Formats;

/// <summary>
/// An MLX config's <c>quantization</c> entry read back: the default configuration and the
/// per-module entries (<c>{"group_size", "bits", "mode"}</c>, or <c>false</c> for a dense module).
/// Only the affine mode is RTN's.
/// </summary>
internal sealed class MlxQuantization(RtnConfig defaults, IReadOnlyDictionary<string, RtnConfig?> modules)
{
    public RtnConfig Defaults => defaults;

    /// <summary>The configuration of <paramref name="module"/>, or null when its entry is <c>false</c>.</summary>
    public RtnConfig? ConfigFor(string module) => modules.TryGetValue(module, out var config) ? config : defaults;

    /// <exception cref="ToolException">The entry is malformed or not affine; the message names <paramref name="path"/> and the field.</exception>
    public static MlxQuantization Parse(JsonObject quantization, string path)
    {
        var defaults = Entry(quantization, $"{path}: quantization");
        var modules = new Dictionary<string, RtnConfig?>(StringComparer.Ordinal);
        foreach (var (key, value) in quantization)
        {
            if (key is "group_size" or "bits" or "mode")
            {
                continue;
            }

            modules[key] = value switch
            {
                JsonObject entry => Entry(entry, $"{path}: quantization.{key}"),
                JsonValue flag when flag.GetValueKind() == JsonValueKind.False => null,
                _ => throw new ToolException($"{path}: quantization.{key} must be an object with group_size and bits, or false."),
            };
        }

        return new MlxQuantization(defaults, modules);
    }

    private static RtnConfig Entry(JsonObject entry, string where)
    {
        if (entry["mode"] is { } mode && !(mode is JsonValue text && text.TryGetValue<string>(out var name) && name == MlxConfigBuilder.Mode))
        {
            throw new ToolException($"{where}.mode is {mode.ToJsonString()}; only \"{MlxConfigBuilder.Mode}\" quantization is supported.");
        }

        int Integer(string key) => entry[key] is JsonValue value && value.TryGetValue<int>(out var number)
            ? number
            : throw new ToolException($"{where}.{key} must be an integer.");
        var (bits, groupSize) = (Integer("bits"), Integer("group_size"));
        if (!RtnConfig.IsSupportedBits(bits) || !MlxConfigBuilder.GroupSizes.Contains(groupSize))
        {
            throw new ToolException($"{where} is {bits} bits with group size {groupSize}; RTN reads MLX's 4 or 8 bits with group size 32, 64 or 128.");
        }

        return new RtnConfig(bits, groupSize);
    }
}
