using Rtn.Cli.Rendering;
using Rtn.Safetensors;

namespace Rtn.Cli.Commands;

/// <summary>
/// Runs a command's body and turns expected failures into a one-line message and an exit code;
/// anything else is a bug and keeps its stack trace.
/// </summary>
internal static class CommandAction
{
    public static int Run(ToolConsole console, Func<int> body) => Run(console, interruption: null, body);

    /// <summary>As <see cref="Run(ToolConsole, Func{int})"/>; a cancellation by <paramref name="interruption"/> exits with its signal's code.</summary>
    public static int Run(ToolConsole console, Interruption? interruption, Func<int> body)
    {
        try
        {
            return body();
        }
        catch (OperationCanceledException) when (interruption?.Signal is { } signal)
        {
            console.Failure($"interrupted by {signal}; nothing was written and the partial output was removed.");
            return interruption.ExitCode;
        }
        catch (UsageException e)
        {
            console.Failure(e.Message);
            return ExitCodes.Usage;
        }
        catch (Exception e) when (e is ToolException or SafetensorsFormatException or IOException or UnauthorizedAccessException)
        {
            console.Failure(e.Message);
            return ExitCodes.Failure;
        }
    }
}
