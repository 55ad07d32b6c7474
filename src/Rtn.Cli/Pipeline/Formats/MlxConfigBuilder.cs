using System.Text.Json.Nodes;
using Rtn.Cli.Pipeline.Planning;

namespace Rtn.Cli.Pipeline.Formats;

/// <summary>
/// The <c>quantization</c> entry of an MLX checkpoint's config, as mlx-lm's <c>quantize_model</c>
/// writes it: the default <c>group_size</c>, <c>bits</c> and <c>mode</c>, and one entry per module
/// quantized otherwise, keyed by its path (the tensor name without <c>.weight</c>). mlx-lm
/// quantizes a module that has an entry or a <c>P.scales</c> tensor, so dense modules need none.
/// </summary>
internal static class MlxConfigBuilder
{
    public const string QuantizationKey = "quantization";
    public const string Mode = "affine";

    /// <summary>Group sizes MLX's affine quantization accepts.</summary>
    public static readonly IReadOnlyList<int> GroupSizes = [32, 64, 128];

    public static JsonObject Build(RtnConfig defaults, IReadOnlyList<TensorPlan> plans)
    {
        var quantization = Entry(defaults);
        foreach (var plan in plans.Where(p => p.Action == TensorAction.Quantize && p.Config != defaults))
        {
            quantization[QuantizedOutputs.ModuleOf(plan.Tensor.Name)] = Entry(plan.Config!);
        }

        return quantization;
    }

    private static JsonObject Entry(RtnConfig config) => new()
    {
        ["group_size"] = config.GroupSize,
        ["bits"] = config.Bits,
        ["mode"] = Mode,
    };
}
