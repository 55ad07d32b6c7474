namespace Rtn.Generators.Models;

/// <summary>Everything the compilation gets: requests merged, less what references already provide.</summary>
/// <param name="Schemes">Scheme structs: for CPU kernels not registered elsewhere, and for every GPU kernel class.</param>
/// <param name="Markers">Group-size markers the compilation cannot see yet.</param>
/// <param name="Registration">The CPU kernels' module initializer.</param>
/// <param name="GpuKernels">GPU kernel classes, only in compilations that reference Rtn.Gpu (or are Rtn.Gpu).</param>
internal sealed record GenerationPlan(
    EquatableArray<SchemeInfo> Schemes,
    EquatableArray<MarkerInfo> Markers,
    RegistrationInfo Registration,
    EquatableArray<GpuKernelInfo> GpuKernels);
