using System.Globalization;

namespace Rtn.Generators.Models;

/// <summary>
/// Reads a combination from marker type names. Group markers may not exist yet when a use is
/// parsed (the generator creates them), so their meaning comes from the name alone.
/// </summary>
internal static class MarkerNames
{
    private const string BitsPrefix = "Bits";
    private const string GroupPrefix = "G";
    private const string PerRowName = "GRow";

    /// <summary>Reads <c>Bits&lt;n&gt;</c>; false for any other name.</summary>
    public static bool TryReadBits(string name, out int bits) => TryReadNumber(name, BitsPrefix, out bits);

    /// <summary>Reads <c>G&lt;n&gt;</c> as n columns and <c>GRow</c> as -1; false for any other name.</summary>
    public static bool TryReadGroupSize(string name, out int groupSize)
    {
        if (name == PerRowName)
        {
            groupSize = KernelSpec.PerRow;
            return true;
        }

        return TryReadNumber(name, GroupPrefix, out groupSize);
    }

    // Only the canonical spelling counts (G96, not G096): it is the name the generator would emit.
    private static bool TryReadNumber(string name, string prefix, out int value)
    {
        value = 0;
        if (name.Length <= prefix.Length || !name.StartsWith(prefix, System.StringComparison.Ordinal))
        {
            return false;
        }

        var digits = name.Substring(prefix.Length);
        foreach (var c in digits)
        {
            if (c is < '0' or > '9')
            {
                return false;
            }
        }

        return (digits.Length == 1 || digits[0] != '0')
            && int.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out value);
    }
}
