using System.CommandLine;
using System.Globalization;
using Rtn.Cli.Diagnostics;
using Rtn.Cli.Diagnostics.SelfChecks;
using Rtn.Cli.Rendering;

namespace Rtn.Cli.Commands;

/// <summary>
/// <c>rtn gpu-check</c>: every combination, element type and format on an ILGPU accelerator,
/// compared with the reference computed on the host in the same run. Exit code 0 only when all agree.
/// </summary>
internal static class GpuCheckCommand
{
    public static Command Create(ToolConsole console)
    {
        var backend = CommonOptions.Backend();
        var rows = NumberOptions.Positive(new Option<int>("--rows") { HelpName = "N", Description = "Rows of each checked weight; even.", DefaultValueFactory = _ => 256 });
        var columns = NumberOptions.Positive(new Option<int>("--columns")
        {
            HelpName = "N",
            Description = "Columns of each checked weight; a multiple of 256, so every group size fits and each block of 256 holds one kind of value.",
            DefaultValueFactory = _ => 1024,
        });
        var m = NumberOptions.Positive(new Option<int>("--m") { HelpName = "N", Description = "Activation rows of the checked product.", DefaultValueFactory = _ => 4 });
        var command = new Command(
            "gpu-check",
            "Check the ILGPU kernels against the reference on the host: quantize and dequantize bit for bit, the fused product within the spec's bound.")
        {
            backend, rows, columns, m,
        };
        command.SetAction(parse => CommandAction.Run(console, () =>
        {
            var (rowCount, columnCount) = (parse.GetValue(rows), parse.GetValue(columns));
            if (rowCount % 2 != 0 || columnCount % 256 != 0)
            {
                throw new UsageException(string.Create(
                    CultureInfo.InvariantCulture,
                    $"gpu-check needs an even --rows and --columns divisible by 256, but got [{rowCount}, {columnCount}]."));
            }

            using var chosen = ChosenAccelerator.Open(CommonOptions.BackendOf(parse.GetValue(backend)));
            console.Line($"Device: {chosen.Description}");
            if (chosen.Note is { } note)
            {
                console.Line(note);
            }

            console.Line("Compiling and checking every combination ...");
            var results = GpuSelfCheck.Run(chosen.Accelerator, rowCount, columnCount, parse.GetValue(m));
            console.Table(Table($"Kernels on {chosen.Description} against the reference on the host", results));
            var failed = results.Count(r => !r.Passed);
            if (failed > 0)
            {
                console.Failure($"{failed} of {results.Count} checks failed on {chosen.Description}.");
                return ExitCodes.Failure;
            }

            console.Line($"All {results.Count} checks passed on {chosen.Description}.");
            return ExitCodes.Success;
        }));
        return command;
    }

    private static ReportTable Table(string title, IReadOnlyList<GpuSelfCheckRow> results)
    {
        var table = new ReportTable(
            title,
            new ReportColumn("Check"),
            new ReportColumn("Quantize"),
            new ReportColumn("Dequantize"),
            new ReportColumn("MatMul rel. error", Numeric: true),
            new ReportColumn("Bound", Numeric: true),
            new ReportColumn("Result"));
        foreach (var row in results)
        {
            table.AddRow(
                row.Name, Exact(row.QuantizeMatches), Exact(row.DequantizeMatches), Units.Scientific(row.MatMulRelativeError),
                Units.Scientific(row.Tolerance), row.Passed ? "pass" : "FAIL");
        }

        return table;
    }

    private static string Exact(bool matches) => matches ? "exact" : "differs";
}
