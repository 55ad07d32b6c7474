using Rtn.Generators.Tests.Infrastructure;

namespace Rtn.Generators.Tests;

/// <summary>The GPU kernel classes, emitted only where Rtn.Gpu is referenced, against approved snapshots.</summary>
public class GpuKernelSnapshotTests
{
    [Fact]
    public void Q4G96_UseWithRtnGpu_EmitsGpuKernelClassBesideScheme()
    {
        const string source = """
            using Rtn;

            public static class Model
            {
                public static IRtnKernels Kernels => RtnKernels<Bits4, G96>.Implementation;
            }
            """;
        var run = GeneratorRun.Start(TestCompilations.GpuConsumer(source));

        run.HintNames.ShouldBe(["G96.g.cs", "Q4G96.Gpu.g.cs", "Q4G96.g.cs", "RtnKernelRegistration.g.cs"]);
        run.ShouldMatchApprovedSource("Q4G96.Gpu.g.cs");
    }

    [Fact]
    public void Q4G6_AttributeWithRtnGpu_DescribesTheTwoPassKernels()
    {
        var run = GeneratorRun.Start(TestCompilations.GpuConsumer("[assembly: Rtn.RtnKernel(4, 6)]"));

        run.ShouldMatchApprovedSource("Q4G6.Gpu.g.cs");
    }

    [Fact]
    public void LibrarySetCombination_WithRtnGpu_EmitsNothing()
    {
        // Rtn registers Q4G128 for the CPU and Rtn.Gpu for the GPU; both say so in their metadata.
        var run = GeneratorRun.Start(TestCompilations.GpuConsumer("[assembly: Rtn.RtnKernel(4, 128)]"));

        run.HintNames.ShouldBeEmpty();
    }

    [Fact]
    public void CpuOnlyConsumer_ReferencingIlgpuAlone_EmitsNoGpuKernels()
    {
        var compilation = TestCompilations.Consumer(TestCompilations.ShippedRtn, "[assembly: Rtn.RtnKernel(4, 96)]")
            .AddReferences(TestCompilations.Ilgpu);

        var run = GeneratorRun.Start(compilation);

        run.HintNames.ShouldBe(["G96.g.cs", "Q4G96.g.cs", "RtnKernelRegistration.g.cs"]);
    }

    [Fact]
    public void RtnGpuLibrary_CompiledAsRtnGpu_EmitsAndAdvertisesTheLibrarySet()
    {
        var run = GeneratorRun.Start(TestCompilations.GpuLibrary());

        run.HintNames.ShouldBe(
        [
            "Q4G128.Gpu.g.cs", "Q4G128.g.cs", "Q4G256.Gpu.g.cs", "Q4G256.g.cs", "Q4G32.Gpu.g.cs", "Q4G32.g.cs",
            "Q4G64.Gpu.g.cs", "Q4G64.g.cs", "Q4Row.Gpu.g.cs", "Q4Row.g.cs",
            "Q8G128.Gpu.g.cs", "Q8G128.g.cs", "Q8G256.Gpu.g.cs", "Q8G256.g.cs", "Q8G32.Gpu.g.cs", "Q8G32.g.cs",
            "Q8G64.Gpu.g.cs", "Q8G64.g.cs", "Q8Row.Gpu.g.cs", "Q8Row.g.cs",
        ]);
        run.ShouldMatchApprovedSource("Q4G128.Gpu.g.cs");
        run.ShouldMatchApprovedSource("Q8Row.Gpu.g.cs");
    }
}
