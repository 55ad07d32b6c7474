using System.Text.Json;
using Rtn.Cli.Benchmarking;
using Rtn.Cli.Pipeline.Formats;
using Rtn.Cli.Rendering;
using Rtn.Safetensors;

namespace Rtn.Cli.Commands;

/// <summary>How <c>rtn bench --device gpu</c> reports.</summary>
internal static partial class BenchCommand
{
    private static void ReportGpu(ToolConsole console, DeviceBenchResult result, bool asJson)
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

    private static ReportTable Table(DeviceBenchResult result)
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
        foreach (var row in result.Measurements.Select(m => m.Row))
        {
            table.AddRow(
                row.Name, Units.Seconds(row.Seconds), Units.Bytes(row.Bytes), Units.Throughput(row.Bytes, row.Seconds),
                Units.Throughput(row.CopyGigabytesPerSecond * 1e9, 1), Units.Percent(row.RatioToCopy));
        }

        return table;
    }

    private static string Json(DeviceBenchResult result) => JsonSerializer.Serialize(
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
                kernel = m.Row.Name,
                rows = m.Rows,
                columns = m.Columns,
                bytesPerCall = m.Row.Bytes,
                secondsPerCall = m.Row.Seconds,
                gigabytesPerSecond = m.Row.GigabytesPerSecond,
                copyGigabytesPerSecond = m.Row.CopyGigabytesPerSecond,
                ratioToCopy = m.Row.RatioToCopy,
            }),
        },
        JsonOptions);
}
