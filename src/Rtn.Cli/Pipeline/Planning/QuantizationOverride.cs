using System.Globalization;
using System.Text.RegularExpressions;

namespace Rtn.Cli.Pipeline.Planning;

/// <summary>
/// Other bits (and optionally another group size) for the tensors whose names match a pattern,
/// written on the command line as <c>REGEX=BITS[:GROUP]</c>, e.g. <c>down_proj=8</c> or
/// <c>experts\..*=4:64</c>. The pattern may match anywhere in the name.
/// </summary>
internal sealed record QuantizationOverride(string Pattern, int Bits, int? GroupSize)
{
    private Regex? regex;

    public Regex Regex => regex ??= TensorPatterns.Compile(Pattern);

    /// <summary>The configuration for a matching tensor: the override's bits, its group size or the default one.</summary>
    public RtnConfig ConfigFor(RtnConfig defaults) => new(Bits, GroupSize ?? defaults.GroupSize);

    /// <summary>Parses <c>REGEX=BITS[:GROUP]</c>; the last '=' separates pattern and value, so a pattern may contain '='.</summary>
    /// <exception cref="FormatException">The text is malformed; the message quotes it and says why.</exception>
    public static QuantizationOverride Parse(string text)
    {
        var split = text.LastIndexOf('=');
        if (split <= 0 || split == text.Length - 1)
        {
            throw new FormatException($"Override '{text}' must look like REGEX=BITS or REGEX=BITS:GROUP, e.g. 'down_proj=8' or 'mlp=4:64'.");
        }

        var pattern = text[..split];
        var value = text[(split + 1)..];
        var colon = value.IndexOf(':');
        var bitsText = colon < 0 ? value : value[..colon];
        if (!int.TryParse(bitsText, NumberStyles.None, CultureInfo.InvariantCulture, out var bits) || !RtnConfig.IsSupportedBits(bits))
        {
            throw new FormatException($"Override '{text}' asks for {bitsText} bits; RTN supports 4 or 8.");
        }

        int? groupSize = null;
        if (colon >= 0)
        {
            var groupText = value[(colon + 1)..];
            if (!int.TryParse(groupText, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var group) || !RtnConfig.IsSupportedGroupSize(group))
            {
                throw new FormatException($"Override '{text}' has group size '{groupText}'; it must be positive or -1 (one group per row).");
            }

            groupSize = group;
        }

        TensorPatterns.Compile(pattern, $"Override '{text}'");
        return new QuantizationOverride(pattern, bits, groupSize);
    }

    /// <summary>The command-line spelling.</summary>
    public override string ToString() =>
        GroupSize is { } g
            ? string.Create(CultureInfo.InvariantCulture, $"{Pattern}={Bits}:{g}")
            : string.Create(CultureInfo.InvariantCulture, $"{Pattern}={Bits}");
}
