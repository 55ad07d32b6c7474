using ILGPU;
using ILGPU.Runtime;
using Rtn.Gpu.Kernels;
using Rtn.Kernels;

namespace Rtn.Gpu;

/// <summary>
/// Quantize, Dequantize and MatMul (the fused quantized product) for one (bits, group size) combination
/// on one <see cref="RtnAccelerator"/>. The span overloads (the <see cref="IRtnKernels"/> contract)
/// copy to the device and back and give exactly what the CPU kernels give; the overloads taking
/// device memory leave data where it is. Quantize and dequantize are bit-exact with
/// <see cref="RtnReference"/>; MatMul agrees with it within the tolerance of docs/rtn-spec.md (Linear).
/// </summary>
public abstract partial class RtnGpuKernels : IRtnKernels
{
    private protected RtnGpuKernels(RtnAccelerator accelerator) => Accelerator = accelerator;

    /// <summary>The accelerator these kernels run on.</summary>
    public RtnAccelerator Accelerator { get; }

    /// <inheritdoc/>
    public abstract int Bits { get; }

    /// <inheritdoc/>
    public abstract int GroupSize { get; }

    /// <summary>Whether the kernels were compiled with this combination's constants folded in, rather than read at run time.</summary>
    public abstract bool IsSpecialized { get; }

    /// <summary>Quantizes host memory on the device. <paramref name="options"/> only concern CPU kernels and are ignored.</summary>
    /// <exception cref="ArgumentException">A span or shape that does not fit, or a NaN or infinity (named by position).</exception>
    public void Quantize<T>(ReadOnlySpan<T> weights, int rows, int columns, Span<byte> packed, Span<T> scales, RtnFormat format, KernelOptions options)
        where T : unmanaged
    {
        var layout = GpuArguments.ForWeights<T>(Bits, GroupSize, rows, columns, weights.Length, packed.Length, scales.Length, format);
        var device = Accelerator.Device;
        using var weightBuffer = Upload(weights);
        using var packedBuffer = device.Allocate1D<byte>(packed.Length);
        using var scaleBuffer = device.Allocate1D<T>(scales.Length);
        Quantize<T>(weightBuffer.View, packedBuffer.View, scaleBuffer.View, layout, WeightShape.Matrix(rows, columns), weights);
        packedBuffer.View.CopyToCPU(device.DefaultStream, packed);
        scaleBuffer.View.CopyToCPU(device.DefaultStream, scales);
    }

    /// <summary>Rebuilds host memory on the device. <paramref name="options"/> are ignored.</summary>
    public void Dequantize<T>(ReadOnlySpan<byte> packed, ReadOnlySpan<T> scales, int rows, int columns, Span<T> weights, RtnFormat format, KernelOptions options)
        where T : unmanaged
    {
        var layout = GpuArguments.ForWeights<T>(Bits, GroupSize, rows, columns, weights.Length, packed.Length, scales.Length, format);
        var device = Accelerator.Device;
        using var packedBuffer = Upload(packed);
        using var scaleBuffer = Upload(scales);
        using var weightBuffer = device.Allocate1D<T>(weights.Length);
        LaunchDequantize<T>(packedBuffer.View, scaleBuffer.View, weightBuffer.View, layout);
        weightBuffer.View.CopyToCPU(device.DefaultStream, weights);
    }

    /// <summary>MatMul on host memory. <paramref name="options"/> are ignored.</summary>
    public void MatMul<T>(ReadOnlySpan<T> x, int m, ReadOnlySpan<byte> packed, ReadOnlySpan<T> scales, int rows, int columns, ReadOnlySpan<T> bias, Span<T> y, RtnFormat format, KernelOptions options)
        where T : unmanaged
    {
        var layout = GpuArguments.ForMatMul<T>(Bits, GroupSize, m, rows, columns, x.Length, packed.Length, scales.Length, bias.Length, y.Length, format);
        var device = Accelerator.Device;
        using var xBuffer = Upload(x);
        using var packedBuffer = Upload(packed);
        using var scaleBuffer = Upload(scales);
        using var biasBuffer = bias.IsEmpty ? null : Upload(bias);
        using var yBuffer = device.Allocate1D<T>(y.Length);
        var biasView = biasBuffer is null ? ArrayView<T>.Empty : biasBuffer.View.BaseView;
        LaunchMatMul<T>(xBuffer.View, m, packedBuffer.View, scaleBuffer.View, biasView, yBuffer.View, layout);
        yBuffer.View.CopyToCPU(device.DefaultStream, y);
    }

    /// <summary>
    /// Quantizes a weight already on the device into a new device weight. Waits for the device,
    /// because a NaN or infinity in <paramref name="weights"/> must be reported before returning.
    /// </summary>
    /// <param name="weights">Row-major values of <paramref name="shape"/>, starting on a 16-byte boundary (a whole buffer does).</param>
    /// <param name="shape">A matrix, or a stack quantized as its rows end to end.</param>
    /// <param name="format">The byte layout to write.</param>
    public DeviceQuantizedWeight<T> Quantize<T>(ArrayView<T> weights, WeightShape shape, RtnFormat format = RtnFormat.Signed)
        where T : unmanaged
    {
        var result = new DeviceQuantizedWeight<T>(Accelerator, new RtnConfig(Bits, GroupSize), format, shape);
        try
        {
            Quantize(weights, result);
            return result;
        }
        catch
        {
            result.Dispose();
            throw;
        }
    }

    /// <summary>Quantizes a weight already on the device into <paramref name="destination"/>, which fixes shape and format.</summary>
    public void Quantize<T>(ArrayView<T> weights, DeviceQuantizedWeight<T> destination)
        where T : unmanaged
    {
        ArgumentNullException.ThrowIfNull(destination);
        var layout = LayoutOf(destination);
        KernelArguments.Require(weights.Length, destination.Shape.ElementCount, nameof(weights), destination.Shape);
        GpuArguments.RequireAligned(weights, nameof(weights));
        Quantize(weights, destination.Packed.View, destination.Scales.View, layout, destination.Shape, ReadOnlySpan<T>.Empty);
    }

    /// <summary>Rebuilds <c>W'</c> into device memory; returns once queued (call <see cref="RtnAccelerator.Synchronize"/> to wait).</summary>
    public void Dequantize<T>(DeviceQuantizedWeight<T> weight, ArrayView<T> destination)
        where T : unmanaged
    {
        ArgumentNullException.ThrowIfNull(weight);
        var layout = LayoutOf(weight);
        KernelArguments.Require(destination.Length, weight.Shape.ElementCount, nameof(destination), weight.Shape);
        GpuArguments.RequireAligned(destination, nameof(destination));
        LaunchDequantize(weight.Packed.View, weight.Scales.View, destination, layout);
    }

    /// <summary>
    /// <c>y = x · W'ᵀ + bias</c> on device memory; returns once queued. <paramref name="x"/> is
    /// <c>[m, C]</c>, <paramref name="y"/> is <c>[m, R]</c>, an empty <paramref name="bias"/> means none;
    /// views start on 16-byte boundaries.
    /// </summary>
    public void MatMul<T>(ArrayView<T> x, int m, DeviceQuantizedWeight<T> weight, ArrayView<T> bias, ArrayView<T> y)
        where T : unmanaged
    {
        ArgumentNullException.ThrowIfNull(weight);
        RequireCompatible(weight);
        if (weight.Shape.IsStack)
        {
            throw new ArgumentException($"A product needs a 2-D weight, but got {weight.Shape}.", nameof(weight));
        }

        var layout = GpuArguments.ForMatMul<T>(
            Bits, GroupSize, m, weight.Shape.Rows, weight.Shape.Columns, x.Length, weight.Packed.Length, weight.Scales.Length, bias.Length, y.Length, weight.Format);
        GpuArguments.RequireAligned(x, nameof(x));
        GpuArguments.RequireAligned(y, nameof(y));
        LaunchMatMul(x, m, weight.Packed.View, weight.Scales.View, bias, y, layout);
    }

    internal abstract void LaunchQuantize<T>(ArrayView<T> weights, ArrayView<byte> packed, ArrayView<T> scales, ArrayView<int> firstNonFinite, WeightLayout layout)
        where T : unmanaged;

    internal abstract void LaunchDequantize<T>(ArrayView<byte> packed, ArrayView<T> scales, ArrayView<T> weights, WeightLayout layout)
        where T : unmanaged;

    internal abstract void LaunchMatMul<T>(ArrayView<T> x, int m, ArrayView<byte> packed, ArrayView<T> scales, ArrayView<T> bias, ArrayView<T> y, WeightLayout layout)
        where T : unmanaged;

    private WeightLayout LayoutOf<T>(DeviceQuantizedWeight<T> weight)
        where T : unmanaged
    {
        RequireCompatible(weight);
        return new WeightLayout(Bits, weight.GroupSize, weight.Shape.TotalRows, weight.Shape.Columns, weight.Format);
    }

    /// <summary>The weight must live on this accelerator and have been quantized for this combination.</summary>
    private void RequireCompatible<T>(DeviceQuantizedWeight<T> weight)
        where T : unmanaged
    {
        if (weight.Accelerator != Accelerator)
        {
            throw new ArgumentException($"The weight lives on {weight.Accelerator.DeviceName}, but these kernels run on {Accelerator.DeviceName}.", nameof(weight));
        }

        if (weight.Config.Bits != Bits || weight.Config.GroupSize != GroupSize)
        {
            throw new ArgumentException($"The weight was quantized with {weight.Config}, but these kernels are for {new RtnConfig(Bits, GroupSize)}.", nameof(weight));
        }
    }

    private void Quantize<T>(ArrayView<T> weights, ArrayView<byte> packed, ArrayView<T> scales, WeightLayout layout, WeightShape shape, ReadOnlySpan<T> hostWeights)
        where T : unmanaged
    {
        var device = Accelerator.Device;
        using var firstNonFinite = device.Allocate1D([int.MaxValue]);
        LaunchQuantize(weights, packed, scales, firstNonFinite.View, layout);
        var position = firstNonFinite.GetAsArray1D()[0];
        if (position != int.MaxValue)
        {
            var value = hostWeights.IsEmpty ? ReadOne<T>(weights, position) : hostWeights[position];
            throw new ArgumentException(
                $"Weight {shape} has a non-finite value ({Precision<T>.ToSingle(value)}) at {shape.FormatPosition(position)}; RTN quantizes finite values only.",
                nameof(weights));
        }
    }

    /// <summary>A new device buffer holding a copy of <paramref name="values"/>.</summary>
    private MemoryBuffer1D<T, Stride1D.Dense> Upload<T>(ReadOnlySpan<T> values)
        where T : unmanaged
    {
        var device = Accelerator.Device;
        var buffer = device.Allocate1D<T>(values.Length);
        try
        {
            buffer.View.CopyFromCPU(device.DefaultStream, values);
            return buffer;
        }
        catch
        {
            buffer.Dispose();
            throw;
        }
    }

    private static T ReadOne<T>(ArrayView1D<T, Stride1D.Dense> values, int index)
        where T : unmanaged =>
        values.SubView(index, 1).GetAsArray1D()[0];
}
