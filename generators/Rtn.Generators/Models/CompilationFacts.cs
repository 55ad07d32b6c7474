namespace Rtn.Generators.Models;

/// <summary>What the compilation, with its references, already settles before anything is emitted.</summary>
/// <param name="IsRtnLibrary">
/// Compiling the Rtn library itself: its markers are public, and it advertises the combinations it registers.
/// </param>
/// <param name="ReferencesIlgpu">The compilation references the assembly <c>ILGPU</c>.</param>
/// <param name="ReferencesRtnGpu">The compilation references the assembly <c>Rtn.Gpu</c>.</param>
/// <param name="ProvidedSchemes">Combinations a referenced assembly registers itself, sorted.</param>
/// <param name="ExistingMarkers">Group sizes whose <c>Rtn.G…</c> marker this compilation can already see, sorted.</param>
/// <param name="IsRtnGpuLibrary">
/// Compiling the Rtn.Gpu library itself: it specializes GPU kernels for every combination the Rtn
/// library specializes, and advertises them.
/// </param>
/// <param name="ProvidedGpuSchemes">Combinations whose GPU kernels a referenced Rtn.Gpu registers itself, sorted.</param>
internal sealed record CompilationFacts(
    bool IsRtnLibrary,
    bool ReferencesIlgpu,
    bool ReferencesRtnGpu,
    EquatableArray<KernelSpec> ProvidedSchemes,
    EquatableArray<int> ExistingMarkers,
    bool IsRtnGpuLibrary,
    EquatableArray<KernelSpec> ProvidedGpuSchemes);
