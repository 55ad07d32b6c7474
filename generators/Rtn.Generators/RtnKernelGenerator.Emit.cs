using System.Globalization;
using Microsoft.CodeAnalysis;
using Rtn.Generators.Emit;
using Rtn.Generators.Models;

namespace Rtn.Generators;

public sealed partial class RtnKernelGenerator
{
    /// <summary>How each output is written: the file around each type; the scheme's contents come from <see cref="SchemeWriter"/>.</summary>
    internal static class Emit
    {
        public const string GeneratedNamespace = "Rtn.Kernels.Generated";
        public const string RegistrationTypeName = "RtnKernelRegistration";

        public static void Diagnostic(SourceProductionContext context, DiagnosticInfo diagnostic) =>
            context.ReportDiagnostic(diagnostic.ToDiagnostic());

        /// <summary><c>Q4G128.g.cs</c>: the scheme struct, opening with its layout.</summary>
        public static void Scheme(SourceProductionContext context, SchemeInfo scheme)
        {
            var spec = scheme.Spec;
            var writer = new CodeWriter();
            GeneratedCode.WriteFileHeader(writer);
            SchemeWriter.WriteLayoutComment(writer, spec);
            writer.Line()
                .Line($"namespace {GeneratedNamespace};")
                .Line()
                .Line($"/// <summary>The constants of <c>{spec.SchemeName}</c>: {Invariant(spec.Bits)}-bit codes, {SchemeWriter.ScalesPer(spec)}.</summary>");
            GeneratedCode.WriteTypeAttributes(writer);
            writer.Line($"internal readonly partial struct {spec.SchemeName} : global::Rtn.Kernels.IRtnScheme");
            using (writer.Block())
            {
                SchemeWriter.WriteBody(writer, scheme);
            }

            context.AddSource($"{spec.SchemeName}.g.cs", writer.ToString());
        }

        /// <summary><c>G96.g.cs</c>: a group-size marker in namespace <c>Rtn</c>, beside <c>Bits4</c> and <c>Bits8</c>.</summary>
        public static void Marker(SourceProductionContext context, MarkerInfo marker)
        {
            var name = KernelSpec.GroupName(marker.GroupSize);
            var meaning = marker.GroupSize == KernelSpec.PerRow
                ? "One group per row: all columns of a row share one scale."
                : $"Groups of {Invariant(marker.GroupSize)} columns, each sharing one scale.";
            var writer = new CodeWriter();
            GeneratedCode.WriteFileHeader(writer);
            writer.Line("namespace Rtn;")
                .Line()
                .Line($"/// <summary>{meaning} Names the group size in <c>RtnKernels&lt;TBits, {name}&gt;</c>.</summary>");
            GeneratedCode.WriteTypeAttributes(writer);
            writer.Line($"{(marker.IsPublic ? "public" : "internal")} readonly struct {name} : global::Rtn.IRtnGroupSize");
            using (writer.Block())
            {
                writer.Line("/// <inheritdoc/>")
                    .Line($"public static int Value => {Invariant(marker.GroupSize)};");
            }

            context.AddSource($"{name}.g.cs", writer.ToString());
        }

        /// <summary>
        /// <c>RtnKernelRegistration.g.cs</c>: registers every scheme when the module loads, and in the
        /// Rtn library advertises them so that projects referencing it do not generate them again.
        /// </summary>
        public static void Registration(SourceProductionContext context, RegistrationInfo registration)
        {
            if (registration.Schemes.Count == 0)
            {
                return;
            }

            var writer = new CodeWriter();
            GeneratedCode.WriteFileHeader(writer);
            foreach (var spec in registration.Advertised)
            {
                writer.Line($"[assembly: global::Rtn.Kernels.RtnProvidesKernels({Invariant(spec.Bits)}, {Invariant(spec.GroupSize)})]");
            }

            if (registration.Advertised.Count != 0)
            {
                writer.Line();
            }

            writer.Line($"namespace {GeneratedNamespace};")
                .Line()
                .Line("/// <summary>Hands this assembly's generated kernels to <see cref=\"global::Rtn.RtnKernels\"/> before any of its code runs.</summary>");
            GeneratedCode.WriteTypeAttributes(writer);
            writer.Line($"internal static class {RegistrationTypeName}");
            using (writer.Block())
            {
                writer.Line("[global::System.Runtime.CompilerServices.ModuleInitializer]")
                    .Line("internal static void Register()");
                using (writer.Block())
                {
                    foreach (var spec in registration.Schemes)
                    {
                        writer.Line($"global::Rtn.RtnKernels.Register(new global::Rtn.Kernels.RtnKernelSet<{spec.SchemeName}>());");
                    }
                }
            }

            context.AddSource($"{RegistrationTypeName}.g.cs", writer.ToString());
        }

        /// <summary>
        /// <c>Q4G128.Gpu.g.cs</c>: the combination's GPU kernel class, beside its scheme struct.
        /// Compiling Rtn.Gpu, the file also advertises the combination.
        /// </summary>
        public static void GpuKernels(SourceProductionContext context, GpuKernelInfo kernels)
        {
            var spec = kernels.Spec;
            var writer = new CodeWriter();
            GeneratedCode.WriteFileHeader(writer);
            if (kernels.IsAdvertised)
            {
                writer.Line($"[assembly: global::Rtn.Gpu.RtnProvidesGpuKernels({Invariant(spec.Bits)}, {Invariant(spec.GroupSize)})]")
                    .Line();
            }

            GpuKernelWriter.WriteKernelComment(writer, spec);
            writer.Line()
                .Line($"namespace {GeneratedNamespace};")
                .Line();
            GpuKernelWriter.WriteClass(writer, spec);
            context.AddSource($"{spec.SchemeName}.Gpu.g.cs", writer.ToString());
        }

        private static string Invariant(int value) => value.ToString(CultureInfo.InvariantCulture);
    }
}
