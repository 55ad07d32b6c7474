namespace Rtn.Cli;

/// <summary>Exception messages as the tool prints them.</summary>
internal static class Messages
{
    /// <summary>The message without ArgumentException's " (Parameter 'x')" suffix, which means nothing to a user.</summary>
    public static string Clean(Exception exception)
    {
        var message = exception.Message;
        var parameter = message.IndexOf(" (Parameter '", StringComparison.Ordinal);
        return parameter < 0 ? message : message[..parameter];
    }
}
