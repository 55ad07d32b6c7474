using ILGPU;
using ILGPU.Runtime;

namespace Rtn.Gpu;

/// <summary>
/// A quantized weight in device memory: packed codes and one scale per group, laid out exactly as
/// <see cref="QuantizedWeight{T}"/> lays them out on the host, so moving between the two is a copy.
/// </summary>
/// <typeparam name="T">The scale type: <see cref="float"/>, <see cref="System.Half"/> or <see cref="BFloat16"/>.</typeparam>
public sealed class DeviceQuantizedWeight<T> : IDisposable
    where T : unmanaged
{
    internal DeviceQuantizedWeight(RtnAccelerator accelerator, RtnConfig config, RtnFormat format, WeightShape shape)
    {
        ArgumentNullException.ThrowIfNull(accelerator);
        ArgumentNullException.ThrowIfNull(config);
        Precision<T>.EnsureSupported();
        GroupSize = config.Validate(shape);
        (Accelerator, Config, Format, Shape) = (accelerator, config, format, shape);
        Packed = accelerator.Device.Allocate1D<byte>(QuantizedWeight<T>.PackedLength(config.Bits, shape));
        Scales = accelerator.Device.Allocate1D<T>(shape.ElementCount / GroupSize);
    }

    /// <summary>The accelerator holding the buffers.</summary>
    public RtnAccelerator Accelerator { get; }

    /// <summary>Bits and configured group size.</summary>
    public RtnConfig Config { get; }

    /// <summary>The byte layout of <see cref="Packed"/>.</summary>
    public RtnFormat Format { get; }

    /// <summary>The logical shape of the full-precision weight.</summary>
    public WeightShape Shape { get; }

    /// <summary>Columns per scale for this shape.</summary>
    public int GroupSize { get; }

    /// <summary>Packed codes, row-major.</summary>
    public MemoryBuffer1D<byte, Stride1D.Dense> Packed { get; }

    /// <summary>Scales, row-major <c>[E·R, C/g]</c>.</summary>
    public MemoryBuffer1D<T, Stride1D.Dense> Scales { get; }

    /// <summary>Copies a host weight to the device.</summary>
    public static DeviceQuantizedWeight<T> Upload(RtnAccelerator accelerator, QuantizedWeight<T> weight)
    {
        ArgumentNullException.ThrowIfNull(weight);
        var device = new DeviceQuantizedWeight<T>(accelerator, weight.Config, weight.Format, weight.Shape);
        device.Packed.View.CopyFromCPU(weight.Packed);
        device.Scales.View.CopyFromCPU(weight.Scales);
        return device;
    }

    /// <summary>Copies the weight back to the host, waiting for queued work first.</summary>
    public QuantizedWeight<T> Download() =>
        new(Config, Format, Shape, Packed.GetAsArray1D(), Scales.GetAsArray1D());

    /// <summary>Frees the device memory.</summary>
    public void Dispose()
    {
        Packed.Dispose();
        Scales.Dispose();
    }
}
