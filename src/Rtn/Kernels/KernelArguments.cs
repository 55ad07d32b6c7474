using System.ComponentModel;

namespace Rtn.Kernels;

/// <summary>
/// Checks a kernel call's buffers against its shape before any work starts, naming what
/// disagrees. Public, with <see cref="long"/> lengths, so other backends (Rtn.Gpu's device views)
/// check their calls by the same rules.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class KernelArguments
{
    /// <summary>Validates a quantize/dequantize call and returns the group size that applies.</summary>
    public static int ForWeights<T>(RtnConfig config, int rows, int columns, long weightLength, long packedLength, long scaleLength)
        where T : unmanaged
    {
        Precision<T>.EnsureSupported();
        var shape = WeightShape.Matrix(rows, columns);
        var g = config.Validate(shape);
        Require(weightLength, shape.LongElementCount, "weights", shape);
        Require(packedLength, QuantizedWeight.PackedLength(config.Bits, shape), "packed", shape);
        Require(scaleLength, QuantizedWeight.ScaleCount(config, shape), "scales", shape);
        return g;
    }

    /// <summary>Validates a product call and returns the group size that applies.</summary>
    public static int ForProduct<T>(RtnConfig config, int m, int rows, int columns, long xLength, long packedLength, long scaleLength, long biasLength, long yLength)
        where T : unmanaged
    {
        if (m <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(m), m, "The activation row count m must be positive.");
        }

        var g = ForWeights<T>(config, rows, columns, (long)rows * columns, packedLength, scaleLength);
        var shape = WeightShape.Matrix(rows, columns);
        Require(xLength, (long)m * columns, "x", shape);
        Require(yLength, (long)m * rows, "y", shape);
        if (biasLength != 0)
        {
            Require(biasLength, rows, "bias", shape);
        }

        return g;
    }

    /// <summary>Throws unless <paramref name="actual"/> equals <paramref name="expected"/>, naming the buffer and the weight.</summary>
    public static void Require(long actual, long expected, string name, WeightShape shape)
    {
        if (actual != expected)
        {
            throw new ArgumentException($"{name} must hold {expected} values for weight {shape}, but holds {actual}.", name);
        }
    }
}
