namespace Rtn.Cli;

/// <summary>The tool's exit codes.</summary>
internal static class ExitCodes
{
    public const int Success = 0;

    /// <summary>The command ran and failed: a malformed or missing input, a tensor that does not fit, an I/O error.</summary>
    public const int Failure = 1;

    /// <summary>The command line (or the RTN_* environment) is wrong; nothing was attempted.</summary>
    public const int Usage = 2;
}
