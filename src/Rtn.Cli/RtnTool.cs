using System.CommandLine;
using System.CommandLine.Help;
using Rtn.Cli.Commands;
using Rtn.Cli.Rendering;

namespace Rtn.Cli;

/// <summary>The <c>rtn</c> command line: parses, runs one command, returns its exit code.</summary>
internal static class RtnTool
{
    /// <summary>Runs the command line in this process, where no signal can arrive.</summary>
    public static int Run(string[] args, ToolConsole console)
    {
        using var interruption = Interruption.Manual();
        return Run(args, console, interruption);
    }

    /// <summary>Runs the command line; <paramref name="interruption"/> stops the commands that write checkpoints.</summary>
    public static int Run(string[] args, ToolConsole console, Interruption interruption)
    {
        // A plain Command rather than RootCommand, whose name would be the executable's (Rtn.Cli,
        // or dotnet's host) rather than the tool's.
        var root = new Command(
            "rtn",
            "Round-to-nearest (RTN) int4/int8 weight quantization of safetensors checkpoints, as vLLM's rtn method. "
            + "Without a command, runs the demo.")
        {
            new HelpOption(),
            new VersionOption(),
            QuantizeCommand.Create(console, interruption),
            DequantizeCommand.Create(console, interruption),
            InspectCommand.Create(console),
            EvalCommand.Create(console),
            BenchCommand.Create(console),
            GpuCheckCommand.Create(console),
            DemoCommand.Create(console, interruption),
        };

        var parse = root.Parse(args.Length == 0 ? ["demo"] : args);
        if (parse.Errors.Count > 0)
        {
            foreach (var error in parse.Errors)
            {
                console.Failure(error.Message);
            }

            var command = parse.CommandResult.Command == root ? "rtn" : $"rtn {parse.CommandResult.Command.Name}";
            console.Error.WriteLine($"Run '{command} --help' for usage.");
            return ExitCodes.Usage;
        }

        return parse.Invoke(new InvocationConfiguration { Output = console.Out, Error = console.Error, ProcessTerminationTimeout = null });
    }
}
