namespace Rtn.Cli.Pipeline.Evaluation;

/// <summary>One compared tensor: how it is stored in the second checkpoint and how far it is from the first.</summary>
internal sealed record TensorComparison(string Name, long[] Shape, string Storage, ErrorStatistics Error);

/// <summary>What <c>rtn eval</c> found.</summary>
/// <param name="Tensors">Tensors whose values differ (all quantized ones), in the original's order.</param>
/// <param name="Identical">Tensors stored byte for byte the same in both.</param>
internal sealed record ComparisonResult(IReadOnlyList<TensorComparison> Tensors, int Identical)
{
    public ErrorStatistics Total => Tensors.Aggregate(default(ErrorStatistics), (sum, t) => sum + t.Error);
}
