namespace Rtn.Generators.Models;

/// <summary>The once-per-compilation registration file.</summary>
/// <param name="Schemes">Schemes whose kernels the module initializer registers, sorted.</param>
/// <param name="Advertised">Combinations written as <c>RtnProvidesKernels</c> assembly attributes, sorted.</param>
internal sealed record RegistrationInfo(EquatableArray<KernelSpec> Schemes, EquatableArray<KernelSpec> Advertised);
