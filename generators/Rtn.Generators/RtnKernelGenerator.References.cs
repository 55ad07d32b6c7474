using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Rtn.Generators.Models;

namespace Rtn.Generators;

public sealed partial class RtnKernelGenerator
{
    /// <summary>How the compilation and its references are read into <see cref="CompilationFacts"/>.</summary>
    internal static class References
    {
        public const string RtnAssemblyName = "Rtn";
        public const string RtnGpuAssemblyName = "Rtn.Gpu";
        public const string IlgpuAssemblyName = "ILGPU";
        public const string ProvidesAttributeName = "Rtn.Kernels.RtnProvidesKernelsAttribute";
        public const string ProvidesGpuAttributeName = "Rtn.Gpu.RtnProvidesGpuKernelsAttribute";

        public static CompilationFacts GetFacts(Compilation compilation, CancellationToken token)
        {
            var referenced = compilation.SourceModule.ReferencedAssemblySymbols;
            return new CompilationFacts(
                IsRtnLibrary: compilation.AssemblyName == RtnAssemblyName,
                ReferencesIlgpu: referenced.Any(static a => a.Name == IlgpuAssemblyName),
                ReferencesRtnGpu: referenced.Any(static a => a.Name == RtnGpuAssemblyName),
                ProvidedSchemes: ProvidedSchemes(referenced),
                ExistingMarkers: ExistingMarkers(compilation),
                IsRtnGpuLibrary: compilation.AssemblyName == RtnGpuAssemblyName,
                ProvidedGpuSchemes: ProvidedGpuSchemes(referenced));
        }

        // Only Rtn.Gpu itself carries the GPU attribute, so no other assembly's attributes are decoded.
        private static EquatableArray<KernelSpec> ProvidedGpuSchemes(System.Collections.Immutable.ImmutableArray<IAssemblySymbol> referenced) =>
            Advertised(referenced.Where(static a => a.Name == RtnGpuAssemblyName), ProvidesGpuAttributeName);

        // Only assemblies built against Rtn can carry its attribute; the framework's hundreds of
        // assemblies are skipped without decoding their attributes.
        private static EquatableArray<KernelSpec> ProvidedSchemes(System.Collections.Immutable.ImmutableArray<IAssemblySymbol> referenced) =>
            Advertised(
                referenced.Where(static a => a.Name == RtnAssemblyName || a.Modules.Any(static m => m.ReferencedAssemblies.Any(static r => r.Name == RtnAssemblyName))),
                ProvidesAttributeName);

        private static EquatableArray<KernelSpec> Advertised(IEnumerable<IAssemblySymbol> assemblies, string attributeName) =>
            assemblies
                .SelectMany(static a => a.GetAttributes())
                .Where(attribute => attribute.AttributeClass?.ToDisplayString() == attributeName)
                .Select(static attribute => Parse.TryReadCombination(attribute, out var bits, out var groupSize) ? new KernelSpec(bits, groupSize) : (KernelSpec?)null)
                .Where(static spec => spec is not null)
                .Select(static spec => spec!.Value)
                .Distinct()
                .OrderBy(static spec => spec)
                .ToEquatableArray();

        // Markers the compilation can name already: public ones from the Rtn library, and any the
        // project declared itself. Emitting another would be a duplicate type.
        private static EquatableArray<int> ExistingMarkers(Compilation compilation) =>
            compilation.GlobalNamespace.GetNamespaceMembers()
                .Where(static ns => ns.Name == RtnAssemblyName)
                .SelectMany(static ns => ns.GetTypeMembers())
                .Where(type => type is { TypeKind: TypeKind.Struct, Arity: 0 } && compilation.IsSymbolAccessibleWithin(type, compilation.Assembly))
                .Select(static type => MarkerNames.TryReadGroupSize(type.Name, out var groupSize) ? (int?)groupSize : null)
                .Where(static groupSize => groupSize is not null)
                .Select(static groupSize => groupSize!.Value)
                .Distinct()
                .OrderBy(static groupSize => groupSize)
                .ToEquatableArray();
    }
}
