using ILGPU;
using Rtn.Gpu.Kernels;
using Rtn.Kernels;

namespace Rtn.Gpu;

/// <summary>Checks a GPU call's buffers against its shape before anything is launched, naming what disagrees.</summary>
internal static class GpuArguments
{
    public static WeightLayout ForWeights<T>(int bits, int groupSize, int rows, int columns, long weightLength, long packedLength, long scaleLength, RtnFormat format)
        where T : unmanaged
    {
        RequireFormat(format);
        var g = KernelArguments.ForWeights<T>(new RtnConfig(bits, groupSize), rows, columns, weightLength, packedLength, scaleLength);
        return new WeightLayout(bits, g, rows, columns, format);
    }

    public static WeightLayout ForMatMul<T>(int bits, int groupSize, int m, int rows, int columns, long xLength, long packedLength, long scaleLength, long biasLength, long yLength, RtnFormat format)
        where T : unmanaged
    {
        RequireFormat(format);
        var g = KernelArguments.ForProduct<T>(new RtnConfig(bits, groupSize), m, rows, columns, xLength, packedLength, scaleLength, biasLength, yLength);
        return new WeightLayout(bits, g, rows, columns, format);
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

    private static void RequireFormat(RtnFormat format)
    {
        if (format is not (RtnFormat.Signed or RtnFormat.Offset))
        {
            throw new ArgumentOutOfRangeException(nameof(format), format, "The format must be Signed or Offset.");
        }
    }
}
