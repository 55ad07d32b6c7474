using System.CommandLine;
using Rtn.Cli.Pipeline.Jobs;
using Rtn.Cli.Rendering;

namespace Rtn.Cli.Commands;

/// <summary><c>rtn dequantize INPUT -o OUTPUT</c>: an RTN checkpoint back to dense weights.</summary>
internal static class DequantizeCommand
{
    public static Command Create(ToolConsole console)
    {
        var input = new Argument<string>("INPUT") { Description = "An RTN-quantized .safetensors file or model folder (as written by rtn quantize)." };
        var output = new Option<string>("--output", "-o") { HelpName = "OUTPUT", Description = "Where to write: a file for a file input, a new (or empty) folder for a folder input.", Required = true };
        var threads = CommonOptions.Threads();
        var command = new Command("dequantize", "Rebuild dense weights (W' = q·s, in the scales' dtype) from an RTN-quantized checkpoint.")
        {
            input, output, threads,
        };
        command.SetAction(parse => CommandAction.Run(console, () =>
        {
            var (inputPath, outputPath) = (parse.GetValue(input)!, parse.GetValue(output)!);
            var dequantizer = new ModelDequantizer(new KernelOptions { MaxThreads = parse.GetValue(threads) });
            var result = console.WithProgress("Dequantizing", progress => dequantizer.Run(inputPath, outputPath, console.Warning, progress));
            console.Line(
                $"Dequantized {result.Dequantized} weight(s) and copied {result.Copied} other tensor(s): {Units.Bytes(result.Output.InputBytes)} → {Units.Bytes(result.Output.OutputBytes)} "
                + $"in {Units.Seconds(result.Output.Elapsed)}, written to {result.Output.OutputPath}.");
            return ExitCodes.Success;
        }));
        return command;
    }
}
