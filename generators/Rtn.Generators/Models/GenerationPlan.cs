namespace Rtn.Generators.Models;

/// <summary>Everything the compilation gets: requests merged, less what references already provide.</summary>
internal sealed record GenerationPlan(
    EquatableArray<SchemeInfo> Schemes,
    EquatableArray<MarkerInfo> Markers,
    RegistrationInfo Registration);
