using System.Globalization;
using System.Runtime.CompilerServices;
using ILGPU;
using ILGPU.Runtime;
using Rtn.Cli.Samples;
using Rtn.Gpu;

namespace Rtn.Cli.Diagnostics.Benchmarks;

/// <summary>
/// Times the GPU kernels on one matrix with device-side markers (CUDA events on NVIDIA hardware),
/// each next to a device-to-device copy of the same traffic measured in the same run, so that a
/// row says how close the kernel comes to the memory bandwidth it can actually get. The copy moves
/// half the kernel's bytes each way; both are counted as bytes read plus bytes written.
/// </summary>
internal sealed class GpuKernelTimer(RtnAccelerator accelerator)
{
    /// <summary>Timed calls per measurement.</summary>
    public int Iterations { get; init; } = 20;

    /// <summary>Untimed calls first, which also compile the kernels.</summary>
    public int WarmupIterations { get; init; } = 3;

    /// <summary>
    /// Quantize, dequantize, MatMul with m = 1 and MatMul with <paramref name="m"/> rows for a
    /// <paramref name="rows"/> × <paramref name="columns"/> weight of type <typeparamref name="T"/>,
    /// its codes in <paramref name="format"/>, drawn as <see cref="CpuBenchmark"/> draws its weights.
    /// </summary>
    public IReadOnlyList<GpuKernelTiming> Run<T>(RtnConfig config, int rows, int columns, int m = 16, RtnFormat format = RtnFormat.Signed)
        where T : unmanaged
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentOutOfRangeException.ThrowIfLessThan(Iterations, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(WarmupIterations);
        ArgumentOutOfRangeException.ThrowIfLessThan(m, 2);
        Precision<T>.EnsureSupported();
        var shape = WeightShape.Matrix(rows, columns);
        var kernels = accelerator.KernelsFor(config);
        var device = accelerator.Device;
        var size = Unsafe.SizeOf<T>();
        var label = string.Create(CultureInfo.InvariantCulture, $"{config.Name} {Precision<T>.Name} {rows}x{columns}");
        var (hostWeights, hostX) = (new T[shape.ElementCount], new T[m * columns]);
        SampleWeights.Fill(hostWeights, rows, columns, seed: 0, deviation: 0.02f);
        SampleWeights.Fill(hostX, m, columns, seed: -1, deviation: 1);

        using var weights = device.Allocate1D(hostWeights);
        using var x = device.Allocate1D(hostX);
        using var y = device.Allocate1D<T>(m * rows);
        using var restored = device.Allocate1D<T>(shape.ElementCount);
        using var quantized = kernels.Quantize<T>(weights.View, shape, format);
        using var firstNonFinite = device.Allocate1D([int.MaxValue]);
        var layout = GpuArguments.ForWeights<T>(config.Bits, config.GroupSize, rows, columns, shape.ElementCount, quantized.Packed.Length, quantized.Scales.Length, format);
        var weightBytes = quantized.Packed.LengthInBytes + quantized.Scales.LengthInBytes;
        var denseBytes = (long)shape.ElementCount * size;

        return
        [
            Measure($"quantize {label}", denseBytes + weightBytes,
                () => kernels.LaunchQuantize<T>(weights.View, quantized.Packed.View, quantized.Scales.View, firstNonFinite.View, layout)),
            Measure($"dequantize {label}", weightBytes + denseBytes,
                () => kernels.LaunchDequantize<T>(quantized.Packed.View, quantized.Scales.View, restored.View, layout)),
            Measure($"matmul m=1 {label}", weightBytes + ((long)(columns + rows) * size),
                () => kernels.LaunchMatMul<T>(x.View.SubView(0, columns), 1, quantized.Packed.View, quantized.Scales.View, ArrayView<T>.Empty, y.View.SubView(0, rows), layout)),
            Measure(string.Create(CultureInfo.InvariantCulture, $"matmul m={m} {label}"), weightBytes + ((long)m * (columns + rows) * size),
                () => kernels.LaunchMatMul<T>(x.View, m, quantized.Packed.View, quantized.Scales.View, ArrayView<T>.Empty, y.View, layout)),
        ];
    }

    private GpuKernelTiming Measure(string name, long bytes, Action launch)
    {
        var device = accelerator.Device;
        using var source = device.Allocate1D<byte>(Math.Max(1, bytes / 2));
        using var target = device.Allocate1D<byte>(source.Length);
        var kernelSeconds = Time(launch);
        var copySeconds = Time(() => source.View.CopyTo(device.DefaultStream, target.View));
        var kernelRate = bytes / kernelSeconds / 1e9;
        var copyRate = 2.0 * source.Length / copySeconds / 1e9;
        return new GpuKernelTiming(name, bytes, kernelSeconds, kernelRate, copyRate, kernelRate / copyRate);
    }

    private double Time(Action launch)
    {
        for (var i = 0; i < WarmupIterations; i++)
        {
            launch();
        }

        var stream = accelerator.Device.DefaultStream;
        stream.Synchronize();
        using var start = stream.AddProfilingMarker();
        for (var i = 0; i < Iterations; i++)
        {
            launch();
        }

        using var end = stream.AddProfilingMarker();
        end.Synchronize();
        return (end - start).Duration().TotalSeconds / Iterations;
    }
}
