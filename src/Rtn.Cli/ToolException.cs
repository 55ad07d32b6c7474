namespace Rtn.Cli;

/// <summary>
/// An expected failure: its message says what went wrong and names the file and tensor, and
/// the tool prints it without a stack trace.
/// </summary>
internal sealed class ToolException(string message, Exception? innerException = null) : Exception(message, innerException);

/// <summary>An option or argument that parsed but makes no sense (exit code 2).</summary>
internal sealed class UsageException(string message) : Exception(message);
