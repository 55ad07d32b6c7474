using System.Collections.Immutable;
using System.Linq;
using Rtn.Generators.Models;

namespace Rtn.Generators;

public sealed partial class RtnKernelGenerator
{
    /// <summary>How requests become what is emitted.</summary>
    internal static class Plan
    {
        /// <summary>Every valid combination asked for, once each, sorted.</summary>
        public static EquatableArray<KernelSpec> Merge(ImmutableArray<KernelRequest> attributeRequests, ImmutableArray<KernelRequest> useRequests) =>
            attributeRequests.Concat(useRequests)
                .Where(static request => request.Spec is not null)
                .Select(static request => request.Spec!.Value)
                .Distinct()
                .OrderBy(static spec => spec)
                .ToEquatableArray();

        /// <summary>
        /// The schemes no reference registers, the markers the compilation cannot see, and the
        /// registration. Only the Rtn library advertises its schemes: a module initializer runs
        /// when its module is first used, and only the library's is sure to have run before a
        /// kernel lookup, since the lookup itself lives there. Another assembly's schemes may
        /// not be registered yet when this one asks, so they are generated again.
        /// GPU kernel classes follow the same rule with Rtn.Gpu in the library's place; Rtn.Gpu
        /// itself specializes whatever Rtn does. A GPU class needs its scheme struct in the same
        /// compilation, so a combination Rtn provides for the CPU still gets its struct here
        /// (without a second CPU registration) when its GPU kernels are generated here.
        /// </summary>
        public static GenerationPlan Create(EquatableArray<KernelSpec> requested, CompilationFacts facts)
        {
            var cpuSchemes = requested.Where(spec => !facts.ProvidedSchemes.Contains(spec)).ToEquatableArray();
            var gpuSchemes = GpuSchemes(requested, facts);
            var schemes = cpuSchemes.Concat(gpuSchemes).Distinct().OrderBy(static spec => spec).ToEquatableArray();
            var markers = requested
                .Select(static spec => spec.GroupSize)
                .Distinct()
                .Where(groupSize => !facts.ExistingMarkers.Contains(groupSize))
                .OrderBy(KernelSpec.GroupSortKey)
                .Select(groupSize => new MarkerInfo(groupSize, IsPublic: facts.IsRtnLibrary))
                .ToEquatableArray();

            return new GenerationPlan(
                schemes.Select(spec => new SchemeInfo(spec, facts.ReferencesIlgpu, facts.ReferencesRtnGpu)).ToEquatableArray(),
                markers,
                new RegistrationInfo(cpuSchemes, facts.IsRtnLibrary ? cpuSchemes : EquatableArray<KernelSpec>.Empty),
                gpuSchemes.Select(spec => new GpuKernelInfo(spec, IsAdvertised: facts.IsRtnGpuLibrary)).ToEquatableArray());
        }

        /// <summary>Nothing for a compilation without Rtn.Gpu: a CPU-only program carries no GPU code.</summary>
        private static EquatableArray<KernelSpec> GpuSchemes(EquatableArray<KernelSpec> requested, CompilationFacts facts)
        {
            if (facts.IsRtnGpuLibrary)
            {
                return requested.Concat(facts.ProvidedSchemes).Distinct().OrderBy(static spec => spec).ToEquatableArray();
            }

            return facts.ReferencesRtnGpu
                ? requested.Where(spec => !facts.ProvidedGpuSchemes.Contains(spec)).ToEquatableArray()
                : EquatableArray<KernelSpec>.Empty;
        }
    }
}
