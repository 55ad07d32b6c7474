using System.Text.RegularExpressions;

namespace Rtn.Cli.Pipeline.Planning;

/// <summary>
/// The projections vLLM fuses into one layer when it serves a model: q/k/v into <c>qkv_proj</c>
/// and gate/up into <c>gate_up_proj</c>. vLLM requires the parts of one fused layer to share one
/// scheme (all quantized alike, or all left dense).
/// </summary>
internal static partial class FusedParts
{
    private static readonly (string Fused, string[] Parts)[] Sets =
    [
        ("qkv_proj", ["q_proj", "k_proj", "v_proj"]),
        ("gate_up_proj", ["gate_proj", "up_proj"]),
    ];

    /// <summary>The fused module a part belongs to (<c>a.q_proj</c> → <c>a.qkv_proj</c>), or null.</summary>
    public static string? FusedNameOf(string module)
    {
        var match = LastSegment().Match(module);
        foreach (var (fused, parts) in Sets)
        {
            if (match.Success && parts.Contains(match.Groups[2].Value, StringComparer.Ordinal))
            {
                return match.Groups[1].Value + fused;
            }
        }

        return null;
    }

    /// <summary>The fused modules all of whose parts are among <paramref name="modules"/>.</summary>
    public static IEnumerable<string> FusedNamesCoveredBy(IReadOnlyCollection<string> modules)
    {
        return modules
            .Select(m => (Module: m, Fused: FusedNameOf(m)))
            .Where(x => x.Fused is not null)
            .GroupBy(x => x.Fused!, StringComparer.Ordinal)
            .Where(g => Sets.Single(s => g.Key.EndsWith(s.Fused, StringComparison.Ordinal)).Parts.Length == g.Count())
            .Select(g => g.Key);
    }

    [GeneratedRegex(@"^(.*?)([^.]+)$", RegexOptions.CultureInvariant)]
    private static partial Regex LastSegment();
}
