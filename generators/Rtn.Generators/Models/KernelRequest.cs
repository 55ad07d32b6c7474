namespace Rtn.Generators.Models;

/// <summary>
/// What one attribute or one use asks for: a valid combination, or the problems that stop it.
/// A valid request carries no location, so moving the code that made it changes nothing downstream.
/// </summary>
internal sealed record KernelRequest(KernelSpec? Spec, EquatableArray<DiagnosticInfo> Diagnostics)
{
    public static KernelRequest Valid(KernelSpec spec) => new(spec, EquatableArray<DiagnosticInfo>.Empty);

    public static KernelRequest Invalid(params DiagnosticInfo[] diagnostics) => new(null, diagnostics.ToEquatableArray());
}
