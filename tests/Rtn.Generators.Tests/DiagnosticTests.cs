using Microsoft.CodeAnalysis;
using Rtn.Generators.Tests.Infrastructure;

namespace Rtn.Generators.Tests;

/// <summary>Each diagnostic, drawn under the input that causes it, against approved snapshots.</summary>
public class DiagnosticTests
{
    [Fact]
    public void Rtn0001_AttributeAsksForThreeBits_ErrorAtAttribute()
    {
        const string source = "[assembly: Rtn.RtnKernel(3, 128)]\n";

        var diagnostics = Diagnose(source);

        diagnostics.Select(d => d.Id).ShouldBe(["RTN0001"]);
        diagnostics.Single().Severity.ShouldBe(DiagnosticSeverity.Error);
        diagnostics.ShouldMatchApprovedDiagnostics(source);
    }

    [Fact]
    public void Rtn0001_UseOfBits2Marker_ErrorAtBitsArgument()
    {
        const string source = """
            using Rtn;

            public readonly struct Bits2 : IRtnBits { public static int Value => 2; }

            public static class Model
            {
                public static IRtnKernels Kernels => RtnKernels<Bits2, G128>.Implementation;
            }

            """;

        var diagnostics = Diagnose(source);

        diagnostics.Select(d => d.Id).ShouldBe(["RTN0001"]);
        diagnostics.ShouldMatchApprovedDiagnostics(source);
    }

    [Fact]
    public void Rtn0002_AttributeAsksForGroupZero_ErrorAtAttribute()
    {
        const string source = "[assembly: Rtn.RtnKernel(4, 0)]\n";

        var diagnostics = Diagnose(source);

        diagnostics.Select(d => d.Id).ShouldBe(["RTN0002"]);
        diagnostics.ShouldMatchApprovedDiagnostics(source);
    }

    [Fact]
    public void Rtn0002_AttributeAsksForGroupMinusTwo_ErrorAtAttribute()
    {
        const string source = "[assembly: Rtn.RtnKernel(8, -2)]\n";

        var diagnostics = Diagnose(source);

        diagnostics.Select(d => d.Id).ShouldBe(["RTN0002"]);
        diagnostics.ShouldMatchApprovedDiagnostics(source);
    }

    [Fact]
    public void Rtn0002_NamedArgumentsOutOfOrder_ErrorAtGroupArgument()
    {
        const string source = "[assembly: Rtn.RtnKernel(groupSize: -3, bits: 4)]\n";

        var diagnostics = Diagnose(source);

        diagnostics.Select(d => d.Id).ShouldBe(["RTN0002"]);
        diagnostics.ShouldMatchApprovedDiagnostics(source);
    }

    [Fact]
    public void Rtn0001AndRtn0002_AttributeWrongInBothValues_ReportsBoth()
    {
        const string source = "[assembly: Rtn.RtnKernel(16, -8)]\n";

        var diagnostics = Diagnose(source);

        diagnostics.Select(d => d.Id).ShouldBe(["RTN0001", "RTN0002"]);
        diagnostics.ShouldMatchApprovedDiagnostics(source);
    }

    [Fact]
    public void Rtn0002_UseOfG0Marker_ErrorAtGroupArgument()
    {
        const string source = """
            using Rtn;

            public static class Model
            {
                public static IRtnKernels Kernels => RtnKernels<Bits4, G0>.Implementation;
            }

            """;

        var diagnostics = Diagnose(source);

        diagnostics.Select(d => d.Id).ShouldBe(["RTN0002"]);
        diagnostics.ShouldMatchApprovedDiagnostics(source);
    }

    [Fact]
    public void Rtn0003_UseOfMarkerNamedWithLeadingZero_WarningAtGroupArgument()
    {
        const string source = """
            using Rtn;

            public static class Model
            {
                public static IRtnKernels Kernels => RtnKernels<Bits4, G096>.Implementation;
            }

            """;

        var diagnostics = Diagnose(source);

        diagnostics.Select(d => d.Id).ShouldBe(["RTN0003"]);
        diagnostics.Single().Severity.ShouldBe(DiagnosticSeverity.Warning);
        diagnostics.ShouldMatchApprovedDiagnostics(source);
    }

    [Fact]
    public void Rtn0003_UseOfOwnMarkerWithOtherName_WarningAtGroupArgument()
    {
        const string source = """
            using Rtn;

            public readonly struct Columns96 : IRtnGroupSize { public static int Value => 96; }

            public static class Model
            {
                public static IRtnKernels Kernels => RtnKernels<Bits8, Columns96>.Implementation;
            }

            """;

        var diagnostics = Diagnose(source);

        diagnostics.Select(d => d.Id).ShouldBe(["RTN0003"]);
        diagnostics.ShouldMatchApprovedDiagnostics(source);
    }

    [Fact]
    public void Rtn0004_UseOfOwnBitsMarkerWithOtherName_WarningAtBitsArgument()
    {
        const string source = """
            using Rtn;

            public readonly struct Nibbles : IRtnBits { public static int Value => 4; }

            public static class Model
            {
                public static IRtnKernels Kernels => RtnKernels<Nibbles, G128>.Implementation;
            }

            """;

        var diagnostics = Diagnose(source);

        diagnostics.Select(d => d.Id).ShouldBe(["RTN0004"]);
        diagnostics.Single().Severity.ShouldBe(DiagnosticSeverity.Warning);
        diagnostics.ShouldMatchApprovedDiagnostics(source);
    }

    [Fact]
    public void InvalidRequests_EmitNothing()
    {
        var run = GeneratorRun.Start(TestCompilations.Consumer(
            TestCompilations.ShippedRtn, "[assembly: Rtn.RtnKernel(3, 96)]\n[assembly: Rtn.RtnKernel(4, 0)]"));

        run.HintNames.ShouldBeEmpty();
    }

    private static IReadOnlyList<Diagnostic> Diagnose(string source) =>
        [.. GeneratorRun.Start(TestCompilations.Consumer(TestCompilations.ShippedRtn, source)).Result.Diagnostics
            .OrderBy(d => d.Location.SourceSpan.Start)
            .ThenBy(d => d.Id, StringComparer.Ordinal)];
}
