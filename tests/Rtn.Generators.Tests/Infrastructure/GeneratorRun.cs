using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace Rtn.Generators.Tests.Infrastructure;

/// <summary>One run of the generator over a compilation, with step tracking on.</summary>
internal sealed class GeneratorRun
{
    private GeneratorRun(GeneratorDriver driver, Compilation input, Compilation output)
    {
        Driver = driver;
        Input = input;
        Output = output;
        Result = driver.GetRunResult().Results.Single();
    }

    /// <summary>The driver after the run: holding its cached outputs, ready for <see cref="RunAgain"/>.</summary>
    public GeneratorDriver Driver { get; }

    public Compilation Input { get; }

    /// <summary>The input compilation with the generated files added.</summary>
    public Compilation Output { get; }

    public GeneratorRunResult Result { get; }

    /// <summary>Generated files by hint name, ordered by name.</summary>
    public IReadOnlyList<GeneratedSourceResult> Sources => [.. Result.GeneratedSources.OrderBy(s => s.HintName, StringComparer.Ordinal)];

    public IEnumerable<string> HintNames => Sources.Select(s => s.HintName);

    /// <summary>The generated file <paramref name="hintName"/>'s text.</summary>
    public string Source(string hintName) => Sources.Single(s => s.HintName == hintName).SourceText.ToString();

    public static GeneratorRun Start(Compilation compilation)
    {
        GeneratorDriver driver = CSharpGeneratorDriver.Create(
            [new RtnKernelGenerator().AsSourceGenerator()],
            parseOptions: TestCompilations.ParseOptions,
            driverOptions: new GeneratorDriverOptions(IncrementalGeneratorOutputKind.None, trackIncrementalGeneratorSteps: true));
        return Run(driver, compilation);
    }

    /// <summary>Runs the same driver on <paramref name="compilation"/>, reusing what it cached.</summary>
    public GeneratorRun RunAgain(Compilation compilation) => Run(Driver, compilation);

    private static GeneratorRun Run(GeneratorDriver driver, Compilation compilation)
    {
        driver = driver.RunGeneratorsAndUpdateCompilation(compilation, out var output, out _);
        return new GeneratorRun(driver, compilation, output);
    }
}
