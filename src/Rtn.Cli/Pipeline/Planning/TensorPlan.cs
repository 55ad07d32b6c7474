using Rtn.Safetensors;

namespace Rtn.Cli.Pipeline.Planning;

/// <summary>What happens to one input tensor.</summary>
internal enum TensorAction
{
    /// <summary>Written to the output byte for byte.</summary>
    Copy,

    /// <summary>Replaced by its packed codes and scales.</summary>
    Quantize,

    /// <summary>Selected for quantization, but its shape does not fit the configuration.</summary>
    Unfit,
}

/// <summary>
/// The decision for one tensor, with the reason (for copies and misfits) or the configuration and
/// shape (for quantization), and the rule that decided it: the skip rule that copied it, or the
/// override that chose its configuration.
/// </summary>
internal sealed record TensorPlan(TensorInfo Tensor, TensorAction Action, string Reason, RtnConfig? Config = null, WeightShape Shape = default)
{
    public SkipRule? SkippedBy { get; init; }

    public QuantizationOverride? Override { get; init; }

    public static TensorPlan Copy(TensorInfo tensor, string reason) => new(tensor, TensorAction.Copy, reason);
}
