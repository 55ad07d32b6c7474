namespace Rtn.Tests.Kernels;

/// <summary>The inputs of a random product case, and one kernel call on them.</summary>
public static class ProductInputs
{
    /// <summary>Activations, a weight quantized by the reference, and a bias when the case has one.</summary>
    public static (T[] X, QuantizedWeight<T> Weight, T[] Bias) Make<T>(ProductCase c)
        where T : unmanaged
    {
        var w = c.Weights;
        var random = new Random(w.Seed);
        var weights = RandomWeights.GroupKinds<T>(w.Rows, w.Columns, w.G, w.Bits, random, extremes: false);
        var weight = RtnReference.Quantize<T>(weights, w.Shape, w.Config, w.Format);
        var bias = c.WithBias ? RandomWeights.Normal<T>(w.Rows, random) : [];
        return (RandomWeights.Normal<T>(c.M * w.Columns, random), weight, bias);
    }

    /// <summary><c>y = x · W'ᵀ + bias</c> by the case's kernels, with <paramref name="precision"/>.</summary>
    public static T[] MatMul<T>(KernelCase c, T[] x, int m, QuantizedWeight<T> weight, T[] bias, MatMulPrecision precision = MatMulPrecision.Exact)
        where T : unmanaged
    {
        var y = new T[m * c.Rows];
        c.Kernels.MatMul<T>(x, m, weight.Packed, weight.Scales, c.Rows, c.Columns, bias, y, c.Format, c.Options with { Precision = precision });
        return y;
    }
}
