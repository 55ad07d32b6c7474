using System.CommandLine;
using Rtn.Cli.Pipeline.Evaluation;
using Rtn.Cli.Rendering;

namespace Rtn.Cli.Commands;

/// <summary><c>rtn eval ORIGINAL QUANTIZED</c>: per-tensor quantization error.</summary>
internal static class EvalCommand
{
    public static Command Create(ToolConsole console)
    {
        var original = new Argument<string>("ORIGINAL") { Description = "The full-precision checkpoint (file or folder)." };
        var quantized = new Argument<string>("QUANTIZED") { Description = "Its RTN-quantized (or otherwise approximated) version." };
        var plot = new Option<string?>("--plot") { Description = "Also draw each tensor's SQNR into this PNG file.", HelpName = "FILE.png" };
        var threads = CommonOptions.Threads();
        var command = new Command("eval", "Measure each weight's quantization error: SQNR, relative Frobenius error, largest absolute error.")
        {
            original, quantized, plot, threads,
        };
        command.SetAction(parse => CommandAction.Run(console, () =>
        {
            if (parse.GetValue(plot) is { } target)
            {
                SqnrPlot.CheckTarget(target);
            }

            var comparer = new ModelComparer(new KernelOptions { MaxThreads = parse.GetValue(threads) });
            var result = console.WithProgress("Comparing", progress => comparer.Compare(parse.GetValue(original)!, parse.GetValue(quantized)!, console.Warning, progress));
            console.Table(ErrorTable($"{parse.GetValue(quantized)} against {parse.GetValue(original)}", result));
            console.Line($"{result.Tensors.Count} tensor(s) differ; {result.Identical} are identical (copied unchanged).");
            if (parse.GetValue(plot) is { } plotPath)
            {
                SqnrPlot.Save(plotPath, result.Tensors);
                console.Line($"Plot written to {plotPath}.");
            }

            return ExitCodes.Success;
        }));
        return command;
    }

    public static ReportTable ErrorTable(string title, ComparisonResult result)
    {
        var table = new ReportTable(
            title,
            new ReportColumn("Tensor"),
            new ReportColumn("Shape"),
            new ReportColumn("Stored as"),
            new ReportColumn("SQNR dB", Numeric: true),
            new ReportColumn("Rel. error", Numeric: true),
            new ReportColumn("Max abs error", Numeric: true));
        foreach (var tensor in result.Tensors)
        {
            table.AddRow(tensor.Name, Units.Shape(tensor.Shape), tensor.Storage, Units.Decibels(tensor.Error.SqnrDb), Units.Scientific(tensor.Error.RelativeError), Units.Scientific(tensor.Error.MaxAbsError));
        }

        var total = result.Total;
        table.SetTotals($"all {result.Tensors.Count}", string.Empty, string.Empty, Units.Decibels(total.SqnrDb), Units.Scientific(total.RelativeError), Units.Scientific(total.MaxAbsError));
        return table;
    }
}
