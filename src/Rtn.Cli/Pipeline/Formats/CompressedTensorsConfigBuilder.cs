using System.Text;
using System.Text.Json.Nodes;
using Rtn.Cli.Pipeline.Planning;

namespace Rtn.Cli.Pipeline.Formats;

/// <summary>
/// The <c>quantization_config</c> of a compressed-tensors <c>pack-quantized</c> checkpoint, as
/// compressed-tensors' <c>ModelCompressor.update_config</c> writes it (keys sorted): one
/// <c>config_groups</c> entry per distinct configuration, the default targeting <c>Linear</c>
/// and each other one naming its modules by <c>re:</c> pattern (a name target wins over the
/// class target in compressed-tensors and vLLM), and an <c>ignore</c> list of every weight left
/// dense. The <c>weights</c> blocks hold only the fields every compressed-tensors version accepts.
/// </summary>
internal static class CompressedTensorsConfigBuilder
{
    public static JsonObject Build(RtnConfig defaults, IReadOnlyList<TensorPlan> plans)
    {
        var quantized = plans.Where(p => p.Action == TensorAction.Quantize).ToArray();
        var groups = new JsonObject { ["group_0"] = Group(defaults, [CompressedTensorsConfig.LinearTarget]) };
        var others = quantized.Select(p => p.Config!).Where(c => c != defaults).Distinct().ToArray();
        for (var i = 0; i < others.Length; i++)
        {
            var modules = quantized.Where(p => p.Config == others[i]).Select(p => QuantizedOutputs.ModuleOf(p.Tensor.Name)).ToArray();
            string[] targets = [.. modules.Concat(FusedParts.FusedNamesCoveredBy(modules)).Select(m => CompressedTensorsConfig.RegexPrefix + EscapePython(m) + "$")];
            groups[$"group_{i + 1}"] = Group(others[i], targets);
        }

        var ignore = plans
            .Where(p => p.Action != TensorAction.Quantize && p.Tensor.Name.EndsWith(TensorSelector.WeightSuffix, StringComparison.Ordinal) && p.Tensor.Shape.Length is 2 or 3)
            .Select(p => (JsonNode)QuantizedOutputs.ModuleOf(p.Tensor.Name))
            .ToArray();
        return new JsonObject
        {
            ["config_groups"] = groups,
            ["format"] = CompressedTensorsConfig.PackQuantized,
            ["global_compression_ratio"] = null,
            ["ignore"] = new JsonArray(ignore),
            ["kv_cache_scheme"] = null,
            ["quant_method"] = CompressedTensorsConfig.MethodName,
            ["quantization_status"] = "compressed",
            ["sparsity_config"] = new JsonObject(),
        };
    }

    private static JsonObject Group(RtnConfig config, string[] targets) => new()
    {
        ["input_activations"] = null,
        ["output_activations"] = null,
        ["targets"] = new JsonArray([.. targets.Select(t => (JsonNode)t)]),
        ["weights"] = new JsonObject
        {
            ["actorder"] = null,
            ["block_structure"] = null,
            ["dynamic"] = false,
            ["group_size"] = config.GroupSize == RtnConfig.PerRow ? null : config.GroupSize,
            ["num_bits"] = config.Bits,
            ["observer"] = "minmax",
            ["observer_kwargs"] = new JsonObject(),
            ["strategy"] = config.GroupSize == RtnConfig.PerRow ? "channel" : "group",
            ["symmetric"] = true,
            ["type"] = "int",
        },
    };

    // The readers match with Python's re, so a module name is escaped as re.escape would.
    private static string EscapePython(string name)
    {
        var escaped = new StringBuilder(name.Length + 8);
        foreach (var c in name)
        {
            if (".^$*+?{}[]\\|()".Contains(c, StringComparison.Ordinal))
            {
                escaped.Append('\\');
            }

            escaped.Append(c);
        }

        return escaped.ToString();
    }
}
