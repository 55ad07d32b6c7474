using ILGPU;
using Rtn.Gpu.Kernels;

namespace Rtn.Gpu;

/// <summary>Checks a GPU call's buffers against its shape before anything is launched, naming what disagrees.</summary>
internal static class GpuArguments
{
    public static WeightLayout ForWeights<T>(int bits, int groupSize, int rows, int columns, long weightLength, long packedLength, long scaleLength, RtnFormat format)
        where T : unmanaged
    {
        Precision<T>.EnsureSupported();
        RequireFormat(format);
        var shape = WeightShape.Matrix(rows, columns);
        var g = new RtnConfig(bits, groupSize).Validate(shape);
        Require(weightLength, shape.ElementCount, "weights", shape);
        Require(packedLength, QuantizedWeight<T>.PackedLength(bits, shape), "packed", shape);
        Require(scaleLength, shape.ElementCount / g, "scales", shape);
        return new WeightLayout(bits, g, rows, columns, format);
    }

    public static WeightLayout ForProduct<T>(int bits, int groupSize, int m, int rows, int columns, long xLength, long packedLength, long scaleLength, long biasLength, long yLength, RtnFormat format)
        where T : unmanaged
    {
        if (m <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(m), m, "The activation row count m must be positive.");
        }

        var layout = ForWeights<T>(bits, groupSize, rows, columns, (long)rows * columns, packedLength, scaleLength, format);
        var shape = WeightShape.Matrix(rows, columns);
        Require(xLength, (long)m * columns, "x", shape);
        Require(yLength, (long)m * rows, "y", shape);
        if (biasLength != 0)
        {
            Require(biasLength, rows, "bias", shape);
        }

        return layout;
    }

    /// <summary>
    /// Device views the kernels read or write four values at a time must start on a 16-byte
    /// boundary: vector loads and stores of misaligned addresses fault on GPUs. Whole buffers do.
    /// </summary>
    public static void RequireAligned<T>(ArrayView<T> view, string name)
        where T : unmanaged
    {
        var offset = ((IContiguousArrayView)view).IndexInBytes;
        if (offset % 16 != 0)
        {
            throw new ArgumentException(
                $"{name} starts at byte {offset} of its buffer, which is not on a 16-byte boundary; the kernels move four values at a time.",
                name);
        }
    }

    public static void Require(long actual, long expected, string name, WeightShape shape)
    {
        if (actual != expected)
        {
            throw new ArgumentException($"{name} must hold {expected} values for weight {shape}, but holds {actual}.", name);
        }
    }

    private static void RequireFormat(RtnFormat format)
    {
        if (format is not (RtnFormat.Signed or RtnFormat.Offset))
        {
            throw new ArgumentOutOfRangeException(nameof(format), format, "The format must be Signed or Offset.");
        }
    }
}
