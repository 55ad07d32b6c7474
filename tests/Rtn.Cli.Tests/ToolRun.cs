using Rtn.Cli.Rendering;

namespace Rtn.Cli.Tests;

/// <summary>One in-process run of the tool: its exit code and what it wrote.</summary>
internal sealed record ToolRun(int ExitCode, string Output, string Error)
{
    /// <summary>Runs <c>rtn ARGS</c> with plain (redirected) output and only the given environment variables.</summary>
    public static ToolRun Of(IReadOnlyDictionary<string, string>? environment, params string[] args)
    {
        var (output, error) = (new StringWriter(), new StringWriter());
        var console = new ToolConsole(output, error, rich: false, name => environment?.GetValueOrDefault(name));
        var exitCode = RtnTool.Run(args, console);
        return new ToolRun(exitCode, output.ToString(), error.ToString());
    }

    public static ToolRun Of(params string[] args) => Of(null, args);

    public ToolRun ShouldSucceed()
    {
        ExitCode.ShouldBe(ExitCodes.Success, $"stdout:\n{Output}\nstderr:\n{Error}");
        return this;
    }

    public override string ToString() => $"exit {ExitCode}\nstdout:\n{Output}\nstderr:\n{Error}";
}
