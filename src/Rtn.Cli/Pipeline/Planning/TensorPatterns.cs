using System.Text.RegularExpressions;

namespace Rtn.Cli.Pipeline.Planning;

/// <summary>Tensor-name patterns from the command line: .NET regular expressions, matched anywhere in the name.</summary>
internal static class TensorPatterns
{
    // Names come from files the user did not write; a pathological pattern must not hang the tool.
    private static readonly TimeSpan MatchTimeout = TimeSpan.FromSeconds(1);

    /// <exception cref="FormatException">The pattern is not a valid regular expression; the message names <paramref name="source"/>.</exception>
    public static Regex Compile(string pattern, string? source = null)
    {
        try
        {
            return new Regex(pattern, RegexOptions.CultureInvariant, MatchTimeout);
        }
        catch (ArgumentException e)
        {
            throw new FormatException($"{source ?? $"Pattern '{pattern}'"} is not a valid regular expression: {e.Message}", e);
        }
    }
}
