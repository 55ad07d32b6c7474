using System.CommandLine;
using System.Text.Json;
using Rtn.Cli.Benchmarking;
using Rtn.Cli.Pipeline;
using Rtn.Cli.Rendering;

namespace Rtn.Cli.Commands;

/// <summary><c>rtn bench</c>: the CPU kernels' throughput next to a memory copy of the same bytes.</summary>
internal static class BenchCommand
{
    public static Command Create(ToolConsole console)
    {
        var bits = CommonOptions.Bits($"Bits per weight. {CommonOptions.DefaultsNote}");
        var groupSize = CommonOptions.GroupSize("Input columns per scale, or -1 for one scale per row.");
        var format = CommonOptions.Format("Byte layout of the codes.");
        var rows = Positive(new Option<int>("--rows") { Description = "Rows of each matrix.", DefaultValueFactory = _ => 4096 });
        var columns = Positive(new Option<int>("--columns") { Description = "Columns of each matrix.", DefaultValueFactory = _ => 4096 });
        var size = Positive(new Option<int>("--size-mib")
        {
            Description = "BF16 MiB of matrices to rotate through; keep it well above the last-level cache so data comes from memory.",
            DefaultValueFactory = _ => 512,
        });
        var seconds = new Option<double>("--seconds") { Description = "Least time per measurement.", DefaultValueFactory = _ => 1.0 };
        seconds.Validators.Add(result =>
        {
            if (result.GetValue(seconds) is <= 0 or > 600)
            {
                result.AddError("--seconds must be in (0, 600].");
            }
        });
        var json = new Option<bool>("--json") { Description = "Print the results as JSON." };
        var threads = CommonOptions.Threads();
        var command = new Command("bench", "Measure the CPU kernels (quantize, dequantize, matmul m=1) against a memory copy of the same bytes.")
        {
            bits, groupSize, format, rows, columns, size, seconds, json, threads,
        };
        command.SetAction(parse => CommandAction.Run(console, () =>
        {
            var config = CommonOptions.ResolveConfig(parse.GetValue(bits), parse.GetValue(groupSize), console);
            var settings = new BenchSettings(
                config, CommonOptions.FormatOf(parse.GetValue(format)), parse.GetValue(rows), parse.GetValue(columns),
                (long)parse.GetValue(size) << 20, parse.GetValue(seconds), parse.GetValue(threads));
            try
            {
                config.Validate(WeightShape.Matrix(settings.Rows, settings.Columns));
            }
            catch (ArgumentException e)
            {
                throw new UsageException(Messages.Clean(e));
            }

            var asJson = parse.GetValue(json);
            var result = KernelBenchmark.Run(settings, asJson ? null : console.Line);
            if (asJson)
            {
                console.Out.WriteLine(Json(result));
            }
            else
            {
                console.Table(Table(result));
                console.Line("Copy: the same bytes moved by a parallel memory copy in the same run. Ratio: kernel time / copy time (1.00× is memory speed).");
            }

            return ExitCodes.Success;
        }));
        return command;
    }

    private static ReportTable Table(BenchResult result)
    {
        var s = result.Settings;
        var table = new ReportTable(
            $"{QuantizedTensor.Describe(s.Config)} {QuantizationMetadata.FormatName(s.Format)} on BF16 [{s.Rows}, {s.Columns}] × {result.Matrices}, "
            + $"{(result.Specialized ? "generated" : "generic")} kernels, {result.Tier}, {result.Threads} thread(s)",
            new ReportColumn("Operation"),
            new ReportColumn("Time/matrix", Numeric: true),
            new ReportColumn("Bytes/matrix", Numeric: true),
            new ReportColumn("Throughput", Numeric: true),
            new ReportColumn("Gweights/s", Numeric: true),
            new ReportColumn("Copy", Numeric: true),
            new ReportColumn("Ratio", Numeric: true),
            new ReportColumn("Calls", Numeric: true));
        foreach (var m in result.Measurements)
        {
            table.AddRow(
                m.Operation, Units.Seconds(m.Seconds), Units.Bytes(m.Bytes), Units.Throughput(m.Bytes, m.Seconds),
                (m.WeightsPerSecond / 1e9).ToString("0.00", System.Globalization.CultureInfo.InvariantCulture),
                Units.Throughput(m.Bytes, m.CopySeconds), Units.Ratio(m.Ratio), Units.Count(m.Calls));
        }

        return table;
    }

    private static string Json(BenchResult result) => JsonSerializer.Serialize(
        new
        {
            scheme = QuantizedTensor.Describe(result.Settings.Config),
            bits = result.Settings.Config.Bits,
            groupSize = result.Settings.Config.GroupSize,
            format = QuantizationMetadata.FormatName(result.Settings.Format),
            rows = result.Settings.Rows,
            columns = result.Settings.Columns,
            matrices = result.Matrices,
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
                copySecondsPerMatrix = m.CopySeconds,
                copyGigabytesPerSecond = m.CopyGigabytesPerSecond,
                ratio = m.Ratio,
                calls = m.Calls,
            }),
        },
        new JsonSerializerOptions { WriteIndented = true });

    private static Option<int> Positive(Option<int> option)
    {
        option.Validators.Add(result =>
        {
            if (result.GetValue(option) <= 0)
            {
                result.AddError($"{option.Name} must be positive.");
            }
        });
        return option;
    }
}
