namespace Rtn.Generators.Models;

/// <summary>One group-size marker struct to emit.</summary>
/// <param name="GroupSize">Columns per scale, or -1 for one group per row.</param>
/// <param name="IsPublic">Public in the Rtn library, where every consumer sees it; internal anywhere else.</param>
internal sealed record MarkerInfo(int GroupSize, bool IsPublic);
