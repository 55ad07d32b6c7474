namespace Rtn.Cli.Diagnostics.SelfChecks;

/// <summary>One combination, element type and format checked on the device against <see cref="RtnReference"/>.</summary>
/// <param name="Name">What was checked, e.g. <c>Q4G128 BF16 Offset 256x1024</c>.</param>
/// <param name="QuantizeMatches">Packed bytes and scales equal the reference's, bit for bit.</param>
/// <param name="DequantizeMatches">The rebuilt weight equals the reference's, bit for bit.</param>
/// <param name="MatMulRelativeError">The fused product's relative Frobenius error against a float64 evaluation.</param>
/// <param name="Tolerance">The bound of docs/rtn-spec.md (Linear) for that error: 1e-5 for fp32, 1e-2 for fp16 and bf16.</param>
internal sealed record GpuSelfCheckRow(string Name, bool QuantizeMatches, bool DequantizeMatches, double MatMulRelativeError, double Tolerance)
{
    /// <summary>Whether every check held.</summary>
    public bool Passed => QuantizeMatches && DequantizeMatches && MatMulRelativeError <= Tolerance;
}
