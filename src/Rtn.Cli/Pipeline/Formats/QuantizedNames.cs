using Rtn.Cli.Pipeline.Planning;

namespace Rtn.Cli.Pipeline.Formats;

/// <summary>
/// How quantized tensors are named: <c>P.weight</c> keeps its name and holds the packed codes
/// (vLLM's parameter name), and its scales go beside it as <c>P.scale</c>, the name of vLLM's
/// RTN scale parameter.
/// </summary>
internal static class QuantizedNames
{
    public const string ScaleSuffix = ".scale";

    /// <summary>The scale tensor's name for weight <paramref name="weightName"/> (<c>P.weight</c> → <c>P.scale</c>).</summary>
    public static string ScaleFor(string weightName) =>
        weightName.EndsWith(TensorSelector.WeightSuffix, StringComparison.Ordinal)
            ? string.Concat(weightName.AsSpan(0, weightName.Length - TensorSelector.WeightSuffix.Length), ScaleSuffix)
            : throw new ArgumentException($"'{weightName}' is not a *.weight tensor.", nameof(weightName));
}
