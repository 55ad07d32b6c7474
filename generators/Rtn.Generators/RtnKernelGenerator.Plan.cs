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
        /// </summary>
        public static GenerationPlan Create(EquatableArray<KernelSpec> requested, CompilationFacts facts)
        {
            var schemes = requested.Where(spec => !facts.ProvidedSchemes.Contains(spec)).ToEquatableArray();
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
                new RegistrationInfo(schemes, facts.IsRtnLibrary ? schemes : EquatableArray<KernelSpec>.Empty));
        }
    }
}
