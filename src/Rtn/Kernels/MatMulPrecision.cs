namespace Rtn;

/// <summary>How the fused product treats its activations.</summary>
public enum MatMulPrecision
{
    /// <summary>
    /// Activations as they are, fp32 sums: within the tolerance of docs/rtn-spec.md, "Linear".
    /// </summary>
    Exact = 0,

    /// <summary>
    /// Each activation row rounded once per call to int8, with one scale per weight group, and
    /// multiplied with the codes by integer dot products: faster, within the bound of
    /// docs/rtn-spec.md, "Linear with int8 activations".
    /// </summary>
    Int8Activations = 1,
}
