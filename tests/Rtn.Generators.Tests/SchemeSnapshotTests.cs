using Rtn.Generators.Tests.Infrastructure;

namespace Rtn.Generators.Tests;

/// <summary>The generated source, file by file, against approved snapshots in <c>Snapshots/</c>.</summary>
public class SchemeSnapshotTests
{
    [Fact]
    public void Q4G128_AttributeInConsumer_EmitsSchemeMarkerAndRegistration()
    {
        var run = GeneratorRun.Start(TestCompilations.Consumer(TestCompilations.BareRtn, "[assembly: Rtn.RtnKernel(4, 128)]"));

        run.HintNames.ShouldBe(["G128.g.cs", "Q4G128.g.cs", "RtnKernelRegistration.g.cs"]);
        run.ShouldMatchApprovedSource("Q4G128.g.cs");
        run.ShouldMatchApprovedSource("G128.g.cs");
        run.ShouldMatchApprovedSource("RtnKernelRegistration.g.cs");
    }

    [Fact]
    public void Q8Row_UseInConsumer_EmitsPerRowSchemeAndMarker()
    {
        const string source = """
            using Rtn;

            public static class Model
            {
                public static bool Specialized => RtnKernels<Bits8, GRow>.Implementation.IsSpecialized;
            }
            """;
        var run = GeneratorRun.Start(TestCompilations.Consumer(TestCompilations.BareRtn, source));

        run.HintNames.ShouldBe(["GRow.g.cs", "Q8Row.g.cs", "RtnKernelRegistration.g.cs"]);
        run.ShouldMatchApprovedSource("Q8Row.g.cs");
        run.ShouldMatchApprovedSource("GRow.g.cs");
    }

    [Fact]
    public void Q4G32_AttributeInConsumer_EmitsScheme()
    {
        var run = GeneratorRun.Start(TestCompilations.Consumer(TestCompilations.BareRtn, "[assembly: Rtn.RtnKernel(4, 32)]"));

        run.HintNames.ShouldBe(["G32.g.cs", "Q4G32.g.cs", "RtnKernelRegistration.g.cs"]);
        run.ShouldMatchApprovedSource("Q4G32.g.cs");
    }

    [Fact]
    public void Q4G96_UseWithShippedLibrary_EmitsSchemeAndInternalMarker()
    {
        const string source = """
            using Rtn;

            public static class Model
            {
                public static void Quantize(float[] weights, byte[] packed, float[] scales) =>
                    RtnKernels<Bits4, G96>.Quantize<float>(weights, 2, 96, packed, scales);
            }
            """;
        var run = GeneratorRun.Start(TestCompilations.Consumer(TestCompilations.ShippedRtn, source));

        run.HintNames.ShouldBe(["G96.g.cs", "Q4G96.g.cs", "RtnKernelRegistration.g.cs"]);
        run.ShouldMatchApprovedSource("Q4G96.g.cs");
        run.ShouldMatchApprovedSource("G96.g.cs");
        run.ShouldMatchApprovedSource("RtnKernelRegistration.g.cs");
    }

    [Fact]
    public void Library_CompiledAsRtn_EmitsPublicMarkersAndAdvertisesItsSet()
    {
        var run = GeneratorRun.Start(TestCompilations.Library());

        run.HintNames.ShouldBe(
        [
            "G128.g.cs", "G256.g.cs", "G32.g.cs", "G64.g.cs", "GRow.g.cs",
            "Q4G128.g.cs", "Q4G256.g.cs", "Q4G32.g.cs", "Q4G64.g.cs", "Q4Row.g.cs",
            "Q8G128.g.cs", "Q8G256.g.cs", "Q8G32.g.cs", "Q8G64.g.cs", "Q8Row.g.cs",
            "RtnKernelRegistration.g.cs",
        ]);
        run.ShouldMatchApprovedSource("G128.g.cs");
        run.ShouldMatchApprovedSource("RtnKernelRegistration.g.cs");
    }
}
