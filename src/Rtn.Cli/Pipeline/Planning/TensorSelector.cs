using System.Globalization;
using Rtn.Safetensors;

namespace Rtn.Cli.Pipeline.Planning;

/// <summary>
/// Decides which tensors are quantized. A tensor is quantized when it is a floating-point
/// (F32, F16, BF16) matrix or stack of matrices (2-D or 3-D) named <c>*.weight</c>, and no
/// skip rule (the defaults, unless turned off, and the user's <c>--skip</c> patterns) matches
/// its name. Everything else is copied unchanged.
/// </summary>
internal sealed class TensorSelector(QuantizationScheme scheme, IReadOnlyList<SkipRule> skipRules)
{
    public const string WeightSuffix = ".weight";

    public TensorPlan Plan(TensorInfo tensor)
    {
        if (!tensor.Name.EndsWith(WeightSuffix, StringComparison.Ordinal))
        {
            return TensorPlan.Copy(tensor, "not a *.weight");
        }

        if (tensor.DType is not (SafetensorsDType.F32 or SafetensorsDType.F16 or SafetensorsDType.BF16))
        {
            return TensorPlan.Copy(tensor, $"{tensor.DType.HeaderName()} is not a floating-point type RTN quantizes");
        }

        if (tensor.Shape.Length is not (2 or 3))
        {
            return TensorPlan.Copy(tensor, string.Create(CultureInfo.InvariantCulture, $"{tensor.Shape.Length}-D, not a matrix"));
        }

        foreach (var rule in skipRules)
        {
            if (rule.Regex.IsMatch(tensor.Name))
            {
                return TensorPlan.Copy(tensor, $"skipped: {rule.Description}") with { SkippedBy = rule };
            }
        }

        var chosen = scheme.OverrideFor(tensor.Name);
        var config = chosen?.ConfigFor(scheme.Defaults) ?? scheme.Defaults;
        WeightShape shape;
        try
        {
            shape = WeightShape.FromDimensions(tensor.Shape.AsSpan());
            config.Validate(shape);
        }
        catch (ArgumentException e)
        {
            return new TensorPlan(tensor, TensorAction.Unfit, Messages.Clean(e), config) { Override = chosen };
        }

        return new TensorPlan(tensor, TensorAction.Quantize, string.Empty, config, shape) { Override = chosen };
    }
}
