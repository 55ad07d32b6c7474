using System.Globalization;
using Rtn.Gpu;
using Rtn.Safetensors;

namespace Rtn.Cli.Diagnostics.Benchmarks;

/// <summary>What <c>rtn bench --device gpu</c> measures.</summary>
/// <param name="Config">The combination whose kernels run.</param>
/// <param name="Format">The byte layout of the codes.</param>
/// <param name="DType">The weights' and activations' element type: F32, F16 or BF16.</param>
/// <param name="Shapes">The <c>[rows, columns]</c> weights to time, one after another; null for the defaults.</param>
/// <param name="M">Activation rows of the batched product; the matrix-vector product (m = 1) always runs too.</param>
/// <param name="Iterations">Timed calls per measurement; null for the default.</param>
/// <param name="Backend">Which accelerator to open.</param>
internal sealed record GpuBenchSettings(
    RtnConfig Config, RtnFormat Format, SafetensorsDType DType, IReadOnlyList<(int Rows, int Columns)>? Shapes, int M, int? Iterations, GpuBackend Backend);

/// <summary>One kernel on one shape, next to the device-to-device copy timed in the same run.</summary>
internal sealed record GpuBenchMeasurement(int Rows, int Columns, GpuKernelTiming Timing);

/// <summary>What ran where, and what it measured.</summary>
/// <param name="Settings">What was asked for.</param>
/// <param name="Device">The accelerator's name, as its driver reports it.</param>
/// <param name="Backend">The kind of accelerator that ran.</param>
/// <param name="Notes">Set when the accelerator is ILGPU's CPU accelerator, whose times say nothing of a GPU.</param>
/// <param name="Specialized">Whether the kernels were generated for the combination rather than generic.</param>
/// <param name="Iterations">Timed calls per measurement.</param>
/// <param name="Measurements">Four per shape: quantize, dequantize, the m = 1 product and the m-row product.</param>
internal sealed record GpuBenchResult(
    GpuBenchSettings Settings, string Device, GpuBackend Backend, IReadOnlyList<string> Notes, bool Specialized, int Iterations,
    IReadOnlyList<GpuBenchMeasurement> Measurements);

/// <summary>
/// Runs <see cref="GpuKernelTimer"/> on each shape on one accelerator: every kernel timed with
/// device-side markers next to a device-to-device copy of the same traffic, so the ratio says
/// how much of the bandwidth the device actually delivers the kernel gets.
/// </summary>
internal static class GpuBenchmark
{
    /// <summary>A square projection and an MLP projection of a 7B model.</summary>
    public static readonly IReadOnlyList<(int Rows, int Columns)> DeviceShapes = [(4096, 4096), (11008, 4096)];

    /// <summary>
    /// ILGPU's CPU accelerator runs every simulated GPU thread as an OS thread and moves a few MB/s:
    /// a 4096 × 4096 weight would take minutes per call for numbers that mean nothing. It gets one
    /// small weight with the same column count (so the same group sizes fit) and few calls.
    /// </summary>
    public static readonly IReadOnlyList<(int Rows, int Columns)> CpuAcceleratorShapes = [(64, 4096)];

    private const int DeviceIterations = 20;
    private const int CpuAcceleratorIterations = 2;

    public static GpuBenchResult Run(GpuBenchSettings settings, Action<string>? status = null)
    {
        using var chosen = ChosenAccelerator.Open(settings.Backend);
        var onCpu = chosen.Accelerator.Backend == GpuBackend.Cpu;
        var shapes = settings.Shapes ?? (onCpu ? CpuAcceleratorShapes : DeviceShapes);
        var iterations = settings.Iterations ?? (onCpu ? CpuAcceleratorIterations : DeviceIterations);
        List<string> notes = [];
        if (chosen.Note is { } note)
        {
            notes.Add(note);
        }

        if (onCpu && settings.Shapes is null)
        {
            notes.Add(string.Create(
                CultureInfo.InvariantCulture,
                $"timing {string.Join(", ", shapes.Select(s => $"{s.Rows}×{s.Columns}"))} instead of {string.Join(" and ", DeviceShapes.Select(s => $"{s.Rows}×{s.Columns}"))}; --rows and --columns choose"));
        }

        status?.Invoke($"Device: {chosen.Description}");
        foreach (var line in notes)
        {
            status?.Invoke(line);
        }

        var timer = new GpuKernelTimer(chosen.Accelerator) { Iterations = iterations, WarmupIterations = onCpu ? 1 : 3 };
        var measurements = new List<GpuBenchMeasurement>();
        foreach (var (rows, columns) in shapes)
        {
            status?.Invoke($"Measuring [{rows}, {columns}] ...");
            var timed = settings.DType switch
            {
                SafetensorsDType.F32 => timer.Run<float>(settings.Config, rows, columns, settings.M, settings.Format),
                SafetensorsDType.F16 => timer.Run<Half>(settings.Config, rows, columns, settings.M, settings.Format),
                SafetensorsDType.BF16 => timer.Run<BFloat16>(settings.Config, rows, columns, settings.M, settings.Format),
                _ => throw new ArgumentException($"RTN kernels run on F32, F16 or BF16 weights, not {settings.DType.HeaderName()}.", nameof(settings)),
            };
            measurements.AddRange(timed.Select(timing => new GpuBenchMeasurement(rows, columns, timing)));
        }

        var specialized = chosen.Accelerator.KernelsFor(settings.Config).IsSpecialized;
        return new GpuBenchResult(settings, chosen.Accelerator.DeviceName, chosen.Accelerator.Backend, notes, specialized, iterations, measurements);
    }
}
