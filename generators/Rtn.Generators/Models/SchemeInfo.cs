namespace Rtn.Generators.Models;

/// <summary>One scheme struct to emit, with what its writers need to know about the compilation.</summary>
/// <param name="Spec">The combination.</param>
/// <param name="ReferencesIlgpu">The compilation references <c>ILGPU</c>, so GPU kernels can be emitted beside the scheme.</param>
/// <param name="ReferencesRtnGpu">The compilation references <c>Rtn.Gpu</c>.</param>
internal sealed record SchemeInfo(KernelSpec Spec, bool ReferencesIlgpu, bool ReferencesRtnGpu);
