namespace Rtn.Cli;

/// <summary>The tool's exit codes.</summary>
internal static class ExitCodes
{
    public const int Success = 0;

    /// <summary>The command ran and failed: a malformed or missing input, a tensor that does not fit, an I/O error.</summary>
    public const int Failure = 1;

    /// <summary>The command line (or the RTN_* environment) is wrong; nothing was attempted.</summary>
    public const int Usage = 2;

    /// <summary>Stopped by SIGINT (Ctrl-C), 128 + 2; staged output was removed.</summary>
    public const int Interrupted = 130;

    /// <summary>Stopped by SIGTERM, 128 + 15; staged output was removed.</summary>
    public const int Terminated = 143;
}
