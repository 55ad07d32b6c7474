using Microsoft.CodeAnalysis;
using Rtn.Generators.Models;
using Rtn.Generators.Tests.Infrastructure;

namespace Rtn.Generators.Tests;

public class IncrementalityTests
{
    private const string AttributeFile = """
        [assembly: Rtn.RtnKernel(8, 48)]
        [assembly: Rtn.RtnKernel(8, 64)]
        """;

    private const string UseFile = """
        using Rtn;

        public static class Model
        {
            public static IRtnKernels Kernels => RtnKernels<Bits4, G96>.Implementation;
        }
        """;

    private const string OtherFile = """
        public static class Other
        {
            public static int Answer => 42;
        }
        """;

    [Theory]
    [InlineData("Other.cs")]
    [InlineData("Model.cs")]
    [InlineData("Kernels.cs")]
    public void EditThatAsksForNothingNew_SecondRun_EveryStepCachedOrUnchanged(string editedFile)
    {
        var first = GeneratorRun.Start(Compilation());
        TrackedSteps.Names.ShouldAllBe(name => first.Result.TrackedSteps.ContainsKey(name));

        var second = first.RunAgain(EditAtTop(first.Input, editedFile));

        foreach (var name in TrackedSteps.Names)
        {
            second.Result.Outputs(name).Select(output => output.Reason).ShouldAllBe(
                reason => reason == IncrementalStepRunReason.Cached || reason == IncrementalStepRunReason.Unchanged,
                $"step {name} after editing {editedFile}");
        }

        second.Result.TrackedOutputSteps.SelectMany(step => step.Value).SelectMany(step => step.Outputs)
            .ShouldAllBe(output => output.Reason == IncrementalStepRunReason.Cached);
    }

    [Fact]
    public void NewCombination_SecondRun_AddsItsSchemeAndRegistersIt()
    {
        var first = GeneratorRun.Start(Compilation());

        var second = first.RunAgain(first.Input.AddSyntaxTrees(TestCompilations.Parse("[assembly: Rtn.RtnKernel(4, 80)]", "More.cs")));

        second.Result.Outputs(TrackingNames.Registration).Select(o => o.Reason).ShouldBe([IncrementalStepRunReason.Modified]);
        second.HintNames.ShouldBe(
        [
            "G48.g.cs", "G80.g.cs", "G96.g.cs",
            "Q4G80.Gpu.g.cs", "Q4G80.g.cs", "Q4G96.Gpu.g.cs", "Q4G96.g.cs",
            "Q8G48.Gpu.g.cs", "Q8G48.g.cs", "Q8G64.Gpu.g.cs", "Q8G64.g.cs",
            "RtnKernelRegistration.g.cs",
        ]);
        second.Source("RtnKernelRegistration.g.cs").ShouldContain("RtnKernelSet<Q4G80>");
        second.Source("Q4G80.Gpu.g.cs").ShouldContain("RtnGpuKernels.Register<Q4G80>()");
        second.Source("RtnKernelRegistration.g.cs").ShouldNotContain("Q8G64");
    }

    [Fact]
    public void EveryStep_Outputs_HoldNoCompilationSymbolOrSyntax()
    {
        var first = GeneratorRun.Start(Compilation());
        var second = first.RunAgain(EditAtTop(first.Input, "Model.cs"));

        first.Result.ShouldHoldOnlyPlainValues();
        second.Result.ShouldHoldOnlyPlainValues();
    }

    [Fact]
    public void GpuReferences_ReachTheSchemeModel()
    {
        var withoutGpu = GeneratorRun.Start(CpuOnlyCompilation());
        var withGpu = GeneratorRun.Start(Compilation());

        withoutGpu.Result.Outputs(TrackingNames.Schemes).Select(o => (SchemeInfo)o.Value)
            .ShouldAllBe(scheme => !scheme.ReferencesIlgpu && !scheme.ReferencesRtnGpu);
        withGpu.Result.Outputs(TrackingNames.Schemes).Select(o => (SchemeInfo)o.Value)
            .ShouldAllBe(scheme => scheme.ReferencesIlgpu && scheme.ReferencesRtnGpu);
    }

    /// <summary>
    /// A program using both libraries, so that every step has outputs to track. The Rtn.Gpu it
    /// references provides nothing, and Rtn provides Q8G64 for the CPU only: that combination
    /// gets its scheme struct and GPU class but no second CPU registration.
    /// </summary>
    private static Compilation Compilation() =>
        CpuOnlyCompilation().AddReferences(TestCompilations.EmptyAssembly("ILGPU"), TestCompilations.EmptyAssembly("Rtn.Gpu"));

    private static Compilation CpuOnlyCompilation() => TestCompilations.Consumer(
        TestCompilations.ShippedRtn, ("Kernels.cs", AttributeFile), ("Model.cs", UseFile), ("Other.cs", OtherFile));

    // Inserting lines above everything moves every span in the file: a model holding a location
    // of a valid request would change.
    private static Compilation EditAtTop(Compilation compilation, string path)
    {
        var tree = compilation.SyntaxTrees.Single(t => t.FilePath == path);
        var edited = tree.WithChangedText(tree.GetText().Replace(0, 0, "// An edit that asks for nothing new.\n\n"));
        return compilation.ReplaceSyntaxTree(tree, edited);
    }
}
