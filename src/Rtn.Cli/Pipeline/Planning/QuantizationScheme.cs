namespace Rtn.Cli.Pipeline.Planning;

/// <summary>
/// The configuration each tensor gets: the default, or that of the first override whose
/// pattern matches the tensor's name. The quantizer uses it to choose, and the readers of a
/// quantized checkpoint use it (from the file's metadata) to check what they find.
/// </summary>
internal sealed record QuantizationScheme(RtnConfig Defaults, RtnFormat Format, IReadOnlyList<QuantizationOverride> Overrides)
{
    public RtnConfig ConfigFor(string tensorName) => OverrideFor(tensorName)?.ConfigFor(Defaults) ?? Defaults;

    /// <summary>The first override whose pattern matches <paramref name="tensorName"/>, or null.</summary>
    public QuantizationOverride? OverrideFor(string tensorName) => Overrides.FirstOrDefault(candidate => candidate.Regex.IsMatch(tensorName));
}
