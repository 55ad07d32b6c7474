namespace Rtn.Generators.Models;

/// <summary>One combination's GPU kernel class to emit.</summary>
/// <param name="Spec">The combination; its scheme struct is emitted into the same compilation.</param>
/// <param name="IsAdvertised">Compiling Rtn.Gpu: the file also advertises the combination, so referencing projects skip it.</param>
internal sealed record GpuKernelInfo(KernelSpec Spec, bool IsAdvertised);
