using System.Globalization;

namespace Rtn.Cli.Pipeline.Planning;

/// <summary>
/// What vLLM needs to serve a compressed-tensors checkpoint, checked on the plans before
/// anything is written: the parts of a fused layer share one scheme (an error), and every
/// quantized weight fits the Marlin kernels (a warning: vLLM would refuse that layer at load).
/// </summary>
internal static class ServingChecks
{
    /// <summary>vLLM's <c>MARLIN_SUPPORTED_GROUP_SIZES</c>.</summary>
    public static readonly IReadOnlyList<int> MarlinGroupSizes = [RtnConfig.PerRow, 32, 64, 128];

    /// <summary>vLLM's <c>GPTQ_MARLIN_MIN_THREAD_K</c>: input features must be a multiple of it.</summary>
    public const int MarlinColumnMultiple = 128;

    /// <exception cref="UsageException">Two parts of one fused layer would get different schemes; the message names both tensors.</exception>
    public static void RequireFusedPartsAgree(IEnumerable<TensorPlan> plans)
    {
        var byFused = plans
            .Where(p => p.Tensor.Name.EndsWith(TensorSelector.WeightSuffix, StringComparison.Ordinal))
            .Select(p => (Plan: p, Fused: FusedParts.FusedNameOf(p.Tensor.Name[..^TensorSelector.WeightSuffix.Length])))
            .Where(x => x.Fused is not null)
            .GroupBy(x => x.Fused!, StringComparer.Ordinal);
        foreach (var fused in byFused)
        {
            var first = fused.First().Plan;
            if (fused.Select(x => x.Plan).FirstOrDefault(p => Scheme(p) != Scheme(first)) is { } other)
            {
                throw new UsageException(
                    $"'{first.Tensor.Name}' would be {Scheme(first)} but '{other.Tensor.Name}' {Scheme(other)}: vLLM fuses them into {fused.Key} and requires one scheme for all its parts. "
                    + "Make the --override or --skip pattern cover every part, or none.");
            }
        }
    }

    /// <summary>One line per kind of misfit, naming a few of the weights.</summary>
    public static IEnumerable<string> MarlinWarnings(IEnumerable<TensorPlan> plans)
    {
        var quantized = plans.Where(p => p.Action == TensorAction.Quantize).ToArray();
        var badGroups = quantized.Where(p => !MarlinGroupSizes.Contains(p.Config!.GroupSize)).ToArray();
        if (badGroups.Length > 0)
        {
            var sizes = string.Join(", ", badGroups.Select(p => p.Config!.GroupSize).Distinct());
            yield return $"group size {sizes} is not one of vLLM's Marlin group sizes (-1, 32, 64, 128), so vLLM's Marlin kernels will not take {Names(badGroups)}.";
        }

        var badColumns = quantized.Where(p => p.Shape.Columns % MarlinColumnMultiple != 0).ToArray();
        if (badColumns.Length > 0)
        {
            yield return string.Create(
                CultureInfo.InvariantCulture,
                $"input features (columns) are not a multiple of {MarlinColumnMultiple}, so vLLM's Marlin kernels will not take {Names(badColumns)}.");
        }
    }

    private static string Scheme(TensorPlan plan) => plan.Action == TensorAction.Quantize ? $"quantized as {plan.Config!.Name}" : "left dense";

    private static string Names(TensorPlan[] plans)
    {
        const int Shown = 3;
        var names = string.Join(", ", plans.Take(Shown).Select(p => $"'{p.Tensor.Name}' {Dims(p)}"));
        return plans.Length > Shown ? string.Create(CultureInfo.InvariantCulture, $"{names} and {plans.Length - Shown} more") : names;
    }

    private static string Dims(TensorPlan plan) => "[" + string.Join(", ", plan.Tensor.Shape.Select(d => d.ToString(CultureInfo.InvariantCulture))) + "]";
}
