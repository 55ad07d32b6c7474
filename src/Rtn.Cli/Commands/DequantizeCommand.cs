using System.CommandLine;
using Rtn.Cli.Pipeline.Jobs;
using Rtn.Cli.Rendering;

namespace Rtn.Cli.Commands;

/// <summary><c>rtn dequantize INPUT -o OUTPUT</c>: an RTN checkpoint back to dense weights.</summary>
internal static class DequantizeCommand
{
    public static Command Create(ToolConsole console, Interruption interruption)
    {
        var input = new Argument<string>("INPUT") { Description = "An RTN-quantized .safetensors file or model folder (as written by rtn quantize)." };
        var output = new Option<string>("--output", "-o") { HelpName = "OUTPUT", Description = "Where to write: a file for a file input, a folder for a folder input. An existing one is replaced only with --force.", Required = true };
        var threads = CommonOptions.Threads();
        var force = CommonOptions.Force();
        var command = new Command("dequantize", "Rebuild dense weights (W' = q·s, in the scales' dtype) from an RTN-quantized checkpoint.")
        {
            input, output, threads, force,
        };
        command.SetAction(parse => CommandAction.Run(console, interruption, () =>
        {
            var (inputPath, outputPath) = (parse.GetValue(input)!, parse.GetValue(output)!);
            CommonOptions.CheckOutputPath(inputPath, outputPath);
            var dequantizer = new ModelDequantizer(new KernelOptions { MaxThreads = parse.GetValue(threads) });
            var outputOptions = new OutputOptions(parse.GetValue(force), interruption.Observe());
            var result = console.WithProgress("Dequantizing", progress => dequantizer.Run(inputPath, outputPath, console.Warning, progress, outputOptions));
            console.Line(
                $"Dequantized {result.Dequantized} weight(s) and copied {result.Copied} other tensor(s): {Units.Bytes(result.Output.InputBytes)} → {Units.Bytes(result.Output.OutputBytes)} "
                + $"in {Units.Seconds(result.Output.Elapsed)}, written to {result.Output.OutputPath}.");
            return ExitCodes.Success;
        }));
        return command;
    }
}
