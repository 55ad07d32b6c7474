using System.Collections.Concurrent;
using ILGPU;
using ILGPU.Runtime;
using ILGPU.Runtime.CPU;
using ILGPU.Runtime.Cuda;
using ILGPU.Runtime.OpenCL;
using Rtn.Gpu.Kernels;
using Rtn.Gpu.Launching;

namespace Rtn.Gpu;

/// <summary>
/// One ILGPU context and accelerator, with the RTN kernels compiled for it on first use and kept
/// until it is disposed. Math stays in ILGPU's default mode: fast math would turn the spec's true
/// division <c>x / s</c> into an approximate one.
/// </summary>
public sealed class RtnAccelerator : IDisposable
{
    private readonly Context context;
    private readonly ConcurrentDictionary<Type, object> compiledKernels = new();
    private readonly ConcurrentDictionary<(int Bits, int GroupSize, bool Generic), RtnGpuKernels> kernelSets = new();

    private RtnAccelerator(Context context, Accelerator device, GpuBackend backend)
    {
        (this.context, Device, Backend) = (context, device, backend);
    }

    /// <summary>The ILGPU accelerator, for allocating and copying device memory.</summary>
    public Accelerator Device { get; }

    /// <summary>The kind of accelerator chosen.</summary>
    public GpuBackend Backend { get; }

    /// <summary>The device's name as its driver reports it.</summary>
    public string DeviceName => Device.Name;

    /// <summary>
    /// Opens the accelerator <paramref name="backend"/> names; <see cref="GpuBackend.Auto"/> takes
    /// CUDA if present, else OpenCL, else the CPU accelerator.
    /// </summary>
    /// <exception cref="InvalidOperationException">The named kind of device is not present.</exception>
    public static RtnAccelerator Create(GpuBackend backend = GpuBackend.Auto)
    {
        if (backend == GpuBackend.Cpu)
        {
            return CreateCpu();
        }

        var context = Context.Create(builder => Configure(builder).Cuda().OpenCL());
        try
        {
            var device = Pick(context, backend);
            if (device is null)
            {
                context.Dispose();
                return backend == GpuBackend.Auto
                    ? CreateCpu()
                    : throw new InvalidOperationException($"No {backend} device is present; available: {Describe(context)}.");
            }

            return new RtnAccelerator(context, device.CreateAccelerator(context), BackendOf(device));
        }
        catch
        {
            context.Dispose();
            throw;
        }
    }

    /// <summary>
    /// ILGPU's CPU accelerator with simulated warps of <paramref name="threadsPerWarp"/> threads,
    /// <paramref name="warpsPerGroup"/> warps per thread group and <paramref name="multiprocessors"/>
    /// groups running at once (0: a quarter of the cores). Every simulated thread is an OS thread,
    /// so small numbers keep tests fast.
    /// </summary>
    public static RtnAccelerator CreateCpu(int threadsPerWarp = 4, int warpsPerGroup = 4, int multiprocessors = 0)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(threadsPerWarp, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(warpsPerGroup, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(multiprocessors);
        var cpu = new CPUDevice(threadsPerWarp, warpsPerGroup, multiprocessors == 0 ? Math.Max(1, Environment.ProcessorCount / 4) : multiprocessors);
        var context = Context.Create(builder => Configure(builder).CPU(cpu));
        try
        {
            return new RtnAccelerator(context, cpu.CreateAccelerator(context), GpuBackend.Cpu);
        }
        catch
        {
            context.Dispose();
            throw;
        }
    }

    /// <summary>
    /// The kernels for <paramref name="config"/>: specialized ones when a generated scheme for it
    /// is registered, otherwise kernels that read bits and group size at run time (same results).
    /// </summary>
    public RtnGpuKernels KernelsFor(RtnConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        return kernelSets.GetOrAdd(
            (config.Bits, config.GroupSize, false),
            key => RtnGpuKernels.CreateSpecialized(this, key.Bits, key.GroupSize) ?? GenericKernelsFor(new RtnConfig(key.Bits, key.GroupSize)));
    }

    /// <summary>The run-time-constant kernels, even where specialized ones exist (for comparison and benchmarks).</summary>
    public RtnGpuKernels GenericKernelsFor(RtnConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        return kernelSets.GetOrAdd(
            (config.Bits, config.GroupSize, true),
            key => new SchemeKernels<RuntimeScheme>(this, key.Bits, key.GroupSize));
    }

    /// <summary>Copies a quantized weight to the device.</summary>
    public DeviceQuantizedWeight<T> Upload<T>(QuantizedWeight<T> weight)
        where T : unmanaged =>
        DeviceQuantizedWeight<T>.Upload(this, weight);

    /// <summary>Waits for all queued work.</summary>
    public void Synchronize() => Device.Synchronize();

    /// <summary>Frees the accelerator, its compiled kernels and the context.</summary>
    public void Dispose()
    {
        Device.Dispose();
        context.Dispose();
    }

    /// <summary>The kernels of type <typeparamref name="TCompiled"/> for this accelerator, compiled once.</summary>
    internal TCompiled GetOrCompile<TCompiled>(Func<Accelerator, TCompiled> compile)
        where TCompiled : class =>
        (TCompiled)compiledKernels.GetOrAdd(typeof(TCompiled), _ => compile(Device));

    /// <summary>The context settings every accelerator here uses; the PTX tests compile with the same ones.</summary>
    internal static Context.Builder Configure(Context.Builder builder) =>
        builder.Math(MathMode.Default).Optimize(OptimizationLevel.O2).Profiling();

    private static Device? Pick(Context context, GpuBackend backend)
    {
        var cuda = context.Devices.FirstOrDefault(static d => d.AcceleratorType == AcceleratorType.Cuda);
        var openCL = context.Devices.FirstOrDefault(static d => d.AcceleratorType == AcceleratorType.OpenCL);
        return backend switch
        {
            GpuBackend.Cuda => cuda,
            GpuBackend.OpenCL => openCL,
            _ => cuda ?? openCL,
        };
    }

    private static GpuBackend BackendOf(Device device) => device.AcceleratorType switch
    {
        AcceleratorType.Cuda => GpuBackend.Cuda,
        AcceleratorType.OpenCL => GpuBackend.OpenCL,
        _ => GpuBackend.Cpu,
    };

    private static string Describe(Context context) =>
        context.Devices.Length == 0 ? "none" : string.Join(", ", context.Devices.Select(static d => $"{d.AcceleratorType} {d.Name}"));
}
