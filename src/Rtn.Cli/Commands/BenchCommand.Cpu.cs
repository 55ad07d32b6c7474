using System.Globalization;
using System.Text.Json;
using Rtn.Cli.Diagnostics.Benchmarks;
using Rtn.Cli.Pipeline.Formats;
using Rtn.Cli.Rendering;
using Rtn.Safetensors;

namespace Rtn.Cli.Commands;

/// <summary>How <c>rtn bench --device cpu</c> reports.</summary>
internal static partial class BenchCommand
{
    private static void ReportCpu(ToolConsole console, CpuBenchResult result, bool asJson)
    {
        if (asJson)
        {
            console.Out.WriteLine(Json(result));
            return;
        }

        console.Table(Table(result));
        console.Line("Baseline: the same bytes copied (quantize, dequantize) or read (matmul, which reads its weights once) by all threads in the same run. "
            + "Ratio: kernel time / baseline time (1.00× is memory speed).");
    }

    private static ReportTable Table(CpuBenchResult result)
    {
        var s = result.Settings;
        var table = new ReportTable(
            $"{s.Config.Name} {QuantizationMetadata.FormatName(s.Format)} on {s.DType.HeaderName()} [{s.Rows}, {s.Columns}] × {result.Matrices} dense, × {result.QuantizedMatrices} quantized, "
            + $"{(result.Specialized ? "generated" : "generic")} kernels, {result.Tier}, {result.Threads} thread(s)",
            new ReportColumn("Operation"),
            new ReportColumn("Time/matrix", Numeric: true),
            new ReportColumn("Bytes/matrix", Numeric: true),
            new ReportColumn("Throughput", Numeric: true),
            new ReportColumn("Gweights/s", Numeric: true),
            new ReportColumn("Baseline"),
            new ReportColumn("Baseline rate", Numeric: true),
            new ReportColumn("Ratio", Numeric: true),
            new ReportColumn("Calls", Numeric: true));
        foreach (var m in result.Measurements)
        {
            table.AddRow(
                m.Operation, Units.Seconds(m.Seconds), Units.Bytes(m.Bytes), Units.Throughput(m.Bytes, m.Seconds),
                (m.WeightsPerSecond / 1e9).ToString("0.00", CultureInfo.InvariantCulture),
                BaselineName(m.Baseline), Units.Throughput(m.Bytes, m.BaselineSeconds), Units.Ratio(m.Ratio), Units.Count(m.Calls));
        }

        return table;
    }

    private static string Json(CpuBenchResult result) => JsonSerializer.Serialize(
        new
        {
            device = "cpu",
            scheme = result.Settings.Config.Name,
            bits = result.Settings.Config.Bits,
            groupSize = result.Settings.Config.GroupSize,
            format = QuantizationMetadata.FormatName(result.Settings.Format),
            dtype = result.Settings.DType.HeaderName(),
            rows = result.Settings.Rows,
            columns = result.Settings.Columns,
            matrices = result.Matrices,
            quantizedMatrices = result.QuantizedMatrices,
            specialized = result.Specialized,
            tier = result.Tier.ToString(),
            threads = result.Threads,
            measurements = result.Measurements.Select(m => new
            {
                operation = m.Operation,
                secondsPerMatrix = m.Seconds,
                bytesPerMatrix = m.Bytes,
                gigabytesPerSecond = m.GigabytesPerSecond,
                weightsPerSecond = m.WeightsPerSecond,
                baseline = BaselineName(m.Baseline),
                baselineSecondsPerMatrix = m.BaselineSeconds,
                baselineGigabytesPerSecond = m.BaselineGigabytesPerSecond,
                ratio = m.Ratio,
                calls = m.Calls,
            }),
        },
        JsonOptions);

    private static string BaselineName(BenchBaseline baseline) => baseline == BenchBaseline.Read ? "read" : "copy";
}
