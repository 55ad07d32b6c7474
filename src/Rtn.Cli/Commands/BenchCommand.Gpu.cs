using System.Text.Json;
using Rtn.Cli.Diagnostics.Benchmarks;
using Rtn.Cli.Pipeline.Formats;
using Rtn.Cli.Rendering;
using Rtn.Safetensors;

namespace Rtn.Cli.Commands;

/// <summary>How <c>rtn bench --device gpu</c> reports.</summary>
internal static partial class BenchCommand
{
    private static void ReportGpu(ToolConsole console, GpuBenchResult result, bool asJson)
    {
        if (asJson)
        {
            foreach (var note in result.Notes)
            {
                console.Warning(note);
            }

            console.Out.WriteLine(Json(result));
            return;
        }

        console.Table(Table(result));
        console.Line(
            "Bytes: read plus written per call. Copy: a device-to-device copy of the same bytes, timed in the same run. "
            + "Of copy: kernel GB/s / copy GB/s (100% is the memory speed this device delivers).");
        foreach (var note in result.Notes)
        {
            console.Line($"Note: {note}.");
        }
    }

    private static ReportTable Table(GpuBenchResult result)
    {
        var s = result.Settings;
        var table = new ReportTable(
            $"{s.Config.Name} {QuantizationMetadata.FormatName(s.Format)} on {s.DType.HeaderName()}, "
            + $"{(result.Specialized ? "generated" : "generic")} kernels, {result.Iterations} timed call{(result.Iterations == 1 ? string.Empty : "s")} each, on {result.Device} ({result.Backend})",
            new ReportColumn("Kernel"),
            new ReportColumn("Time/call", Numeric: true),
            new ReportColumn("Bytes/call", Numeric: true),
            new ReportColumn("Throughput", Numeric: true),
            new ReportColumn("Copy", Numeric: true),
            new ReportColumn("Of copy", Numeric: true));
        foreach (var timing in result.Measurements.Select(m => m.Timing))
        {
            table.AddRow(
                timing.Name, Units.Seconds(timing.Seconds), Units.Bytes(timing.Bytes), Units.Throughput(timing.Bytes, timing.Seconds),
                Units.Throughput(timing.CopyGigabytesPerSecond * 1e9, 1), Units.Percent(timing.RatioToCopy));
        }

        return table;
    }

    private static string Json(GpuBenchResult result) => JsonSerializer.Serialize(
        new
        {
            device = "gpu",
            accelerator = result.Device,
            backend = result.Backend.ToString(),
            notes = result.Notes,
            scheme = result.Settings.Config.Name,
            bits = result.Settings.Config.Bits,
            groupSize = result.Settings.Config.GroupSize,
            format = QuantizationMetadata.FormatName(result.Settings.Format),
            dtype = result.Settings.DType.HeaderName(),
            specialized = result.Specialized,
            m = result.Settings.M,
            iterations = result.Iterations,
            measurements = result.Measurements.Select(m => new
            {
                kernel = m.Timing.Name,
                rows = m.Rows,
                columns = m.Columns,
                bytesPerCall = m.Timing.Bytes,
                secondsPerCall = m.Timing.Seconds,
                gigabytesPerSecond = m.Timing.GigabytesPerSecond,
                copyGigabytesPerSecond = m.Timing.CopyGigabytesPerSecond,
                ratioToCopy = m.Timing.RatioToCopy,
            }),
        },
        JsonOptions);
}
