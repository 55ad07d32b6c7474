using Rtn.Generators.Tests.Infrastructure;

namespace Rtn.Generators.Tests;

public class RequestMergingTests
{
    [Fact]
    public void SameCombination_AskedByTwoAttributesAndAUse_EmitsOneSchemeWithoutDiagnostics()
    {
        var run = GeneratorRun.Start(TestCompilations.Consumer(
            TestCompilations.ShippedRtn,
            ("A.cs", "[assembly: Rtn.RtnKernel(4, 96)]"),
            ("B.cs", "[assembly: Rtn.RtnKernel(4, 96)]\n[assembly: Rtn.RtnKernel(4, 96)]"),
            ("C.cs", "public static class C { public static Rtn.IRtnKernels K => Rtn.RtnKernels<Rtn.Bits4, Rtn.G96>.Implementation; }")));

        run.Result.Diagnostics.ShouldBeEmpty();
        run.HintNames.ShouldBe(["G96.g.cs", "Q4G96.g.cs", "RtnKernelRegistration.g.cs"]);
        run.Source("RtnKernelRegistration.g.cs").Split("RtnKernelSet<").Length.ShouldBe(2);
    }

    [Fact]
    public void TwoWidthsSameGroup_EmitsBothSchemesAndOneMarker()
    {
        var run = GeneratorRun.Start(TestCompilations.Consumer(
            TestCompilations.ShippedRtn, "[assembly: Rtn.RtnKernel(4, 48)]\n[assembly: Rtn.RtnKernel(8, 48)]"));

        run.HintNames.ShouldBe(["G48.g.cs", "Q4G48.g.cs", "Q8G48.g.cs", "RtnKernelRegistration.g.cs"]);
    }

    [Fact]
    public void CombinationTheLibraryShips_UseWithShippedLibrary_EmitsNothing()
    {
        var run = GeneratorRun.Start(TestCompilations.Consumer(
            TestCompilations.ShippedRtn,
            "public static class C { public static Rtn.IRtnKernels K => Rtn.RtnKernels<Rtn.Bits4, Rtn.G128>.Implementation; }\n[assembly: Rtn.RtnKernel(8, -1)]"));

        run.Result.Diagnostics.ShouldBeEmpty();
        run.HintNames.ShouldBeEmpty();
    }

    [Fact]
    public void SchemeTheLibraryShips_MarkerDeclaredInProject_EmitsNeither()
    {
        const string source = """
            namespace Rtn
            {
                public readonly struct G96 : IRtnGroupSize { public static int Value => 96; }
            }

            public static class C { public static Rtn.IRtnKernels K => Rtn.RtnKernels<Rtn.Bits4, Rtn.G96>.Implementation; }
            """;
        var run = GeneratorRun.Start(TestCompilations.Consumer(TestCompilations.ShippedRtn, source));

        run.HintNames.ShouldBe(["Q4G96.g.cs", "RtnKernelRegistration.g.cs"]);
    }

    [Fact]
    public void OpenUse_TypeParameterMarker_AsksForNothing()
    {
        const string source = """
            using Rtn;

            public static class C<TGroup> where TGroup : struct, IRtnGroupSize
            {
                public static IRtnKernels K => RtnKernels<Bits4, TGroup>.Implementation;
            }
            """;
        var run = GeneratorRun.Start(TestCompilations.Consumer(TestCompilations.ShippedRtn, source));

        run.Result.Diagnostics.ShouldBeEmpty();
        run.HintNames.ShouldBeEmpty();
    }

    [Fact]
    public void AliasedMarker_UseThroughUsingAlias_ReadsTheAliasedName()
    {
        const string source = """
            using Columns = Rtn.G80;

            public static class C { public static Rtn.IRtnKernels K => Rtn.RtnKernels<Rtn.Bits8, Columns>.Implementation; }
            """;
        var run = GeneratorRun.Start(TestCompilations.Consumer(TestCompilations.ShippedRtn, source));

        run.HintNames.ShouldBe(["G80.g.cs", "Q8G80.g.cs", "RtnKernelRegistration.g.cs"]);
    }

    [Fact]
    public void TypeNamedRtnKernelsElsewhere_IsNotAUse()
    {
        const string source = """
            namespace Other
            {
                public static class RtnKernels<TA, TB> { }
                public struct G96 { }
                public static class C { public static object K => typeof(RtnKernels<int, G96>); }
            }
            """;
        var run = GeneratorRun.Start(TestCompilations.Consumer(TestCompilations.ShippedRtn, source));

        run.HintNames.ShouldBeEmpty();
    }
}
