using System;
using System.Globalization;

namespace Rtn.Generators.Models;

/// <summary>
/// One (bits, group size) combination, named the way the whole project names it:
/// <c>Q4G128</c>, or <c>Q8Row</c> for one group per row.
/// </summary>
/// <param name="Bits">Bits per code: 4 or 8 once validated.</param>
/// <param name="GroupSize">Columns per scale, or <see cref="PerRow"/>.</param>
internal readonly record struct KernelSpec(int Bits, int GroupSize) : IComparable<KernelSpec>
{
    /// <summary>The group size that means one group per row.</summary>
    public const int PerRow = -1;

    /// <summary>The scheme struct's name, e.g. <c>Q4G128</c> or <c>Q8Row</c>.</summary>
    public string SchemeName =>
        "Q" + Bits.ToString(CultureInfo.InvariantCulture) + (GroupSize == PerRow ? "Row" : GroupName(GroupSize));

    /// <summary>The group-size marker's name, e.g. <c>G128</c> or <c>GRow</c>.</summary>
    public string MarkerName => GroupName(GroupSize);

    /// <summary>The marker name for <paramref name="groupSize"/>: <c>G&lt;columns&gt;</c>, or <c>GRow</c> for -1.</summary>
    public static string GroupName(int groupSize) =>
        groupSize == PerRow ? "GRow" : "G" + groupSize.ToString(CultureInfo.InvariantCulture);

    /// <summary>By bits, then by group size with per-row last, so emitted lists read in a stable order.</summary>
    public int CompareTo(KernelSpec other) =>
        Bits != other.Bits ? Bits.CompareTo(other.Bits) : GroupSortKey(GroupSize).CompareTo(GroupSortKey(other.GroupSize));

    /// <summary>Orders group sizes by columns, with per-row last.</summary>
    public static long GroupSortKey(int groupSize) => groupSize == PerRow ? long.MaxValue : groupSize;
}
