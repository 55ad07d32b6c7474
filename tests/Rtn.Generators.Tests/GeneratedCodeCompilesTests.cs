using Microsoft.CodeAnalysis;
using Rtn.Generators.Tests.Infrastructure;

namespace Rtn.Generators.Tests;

public class GeneratedCodeCompilesTests
{
    [Fact]
    public void ConsumerCombinations_WithShippedRtn_CompileWithoutDiagnostics()
    {
        const string source = """
            using Rtn;

            [assembly: RtnKernel(8, 48)]

            public static class Model
            {
                public static bool Specialized =>
                    RtnKernels<Bits4, G96>.Implementation.IsSpecialized
                    && RtnKernels<Bits8, GRow>.Implementation.IsSpecialized
                    && RtnKernels<Bits8, G1024>.Implementation.IsSpecialized;
            }
            """;
        var run = GeneratorRun.Start(TestCompilations.Consumer(TestCompilations.ShippedRtn, source));

        run.HintNames.ShouldContain("Q4G96.g.cs");
        run.Output.GetDiagnostics().ShouldBeEmpty();
    }

    [Fact]
    public void LibrarySet_WithBareRtn_CompilesWithoutDiagnostics()
    {
        var attributes = string.Join('\n', new[] { 32, 64, 128, 256, -1 }.SelectMany(g => new[] { $"[assembly: Rtn.RtnKernel(4, {g})]", $"[assembly: Rtn.RtnKernel(8, {g})]" }));
        var run = GeneratorRun.Start(TestCompilations.Consumer(TestCompilations.BareRtn, attributes));

        run.HintNames.Count().ShouldBe(16);
        run.Output.GetDiagnostics().ShouldBeEmpty();
    }

    [Fact]
    public void GpuConsumer_WithShippedRtnAndRtnGpu_CompilesWithoutDiagnostics()
    {
        const string source = """
            using Rtn;

            [assembly: RtnKernel(8, 48)]
            [assembly: RtnKernel(4, 6)]

            public static class Model
            {
                public static bool Specialized => RtnKernels<Bits4, G96>.Implementation.IsSpecialized;
            }
            """;
        var run = GeneratorRun.Start(TestCompilations.GpuConsumer(source));

        run.HintNames.ShouldContain("Q4G96.Gpu.g.cs");
        run.Output.GetDiagnostics().ShouldBeEmpty();
    }

    [Fact]
    public void RtnGpuLibrary_WithItsOwnGeneratorOutput_CompilesWithoutErrors()
    {
        var run = GeneratorRun.Start(TestCompilations.GpuLibrary());

        run.Output.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error).ShouldBeEmpty();
    }

    [Fact]
    public void RtnLibrary_WithItsOwnGeneratorOutput_CompilesWithoutErrors()
    {
        var run = GeneratorRun.Start(TestCompilations.Library());

        run.Output.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error).ShouldBeEmpty();
    }
}
