using System.Collections.Immutable;
using Basic.Reference.Assemblies;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace Rtn.Generators.Tests.Infrastructure;

/// <summary>The compilations the generator runs on: consumers of the Rtn library, and the library itself.</summary>
internal static class TestCompilations
{
    public static readonly CSharpParseOptions ParseOptions = new(LanguageVersion.Latest);

    private static readonly CSharpCompilationOptions Options = new(
        OutputKind.DynamicallyLinkedLibrary,
        nullableContextOptions: NullableContextOptions.Enable,
        allowUnsafe: true);

    // What ImplicitUsings gives an SDK project; the library's sources rely on it.
    private const string ImplicitUsings = """
        global using System;
        global using System.Collections.Generic;
        global using System.IO;
        global using System.Linq;
        global using System.Net.Http;
        global using System.Threading;
        global using System.Threading.Tasks;
        """;

    /// <summary>Rtn.dll as built, with the kernels, markers and advertisements its own generator run gave it.</summary>
    public static MetadataReference ShippedRtn { get; } = MetadataReference.CreateFromFile(typeof(RtnKernels).Assembly.Location);

    /// <summary>Rtn.Gpu.dll as built, advertising the GPU kernels its own generator run registered.</summary>
    public static MetadataReference ShippedRtnGpu { get; } = MetadataReference.CreateFromFile(typeof(Rtn.Gpu.RtnGpuKernels).Assembly.Location);

    /// <summary>ILGPU, which Rtn.Gpu's public types mention.</summary>
    public static MetadataReference Ilgpu { get; } = MetadataReference.CreateFromFile(typeof(ILGPU.Context).Assembly.Location);

    /// <summary>
    /// The Rtn library compiled from source without the generator: the contract types only, no
    /// markers and nothing advertised, so a consumer's generator run emits every combination it asks for.
    /// </summary>
    public static MetadataReference BareRtn => BareRtnReference.Value;

    private static readonly Lazy<MetadataReference> BareRtnReference = new(() => Emit(Library()));

    /// <summary>The Rtn library's sources (its <c>[assembly: RtnKernel]</c> lines included) as the assembly named Rtn.</summary>
    public static CSharpCompilation Library() =>
        CSharpCompilation.Create("Rtn", [.. LibrarySources(), Parse(ImplicitUsings, "GlobalUsings.cs")], Net100.References.All, Options);

    /// <summary>Rtn.Gpu's sources as the assembly named Rtn.Gpu, against the shipped Rtn and ILGPU.</summary>
    public static CSharpCompilation GpuLibrary() =>
        CSharpCompilation.Create(
            "Rtn.Gpu",
            [.. Sources(System.IO.Path.Combine(RepositoryRoot.Path, "src", "Rtn.Gpu")), Parse(ImplicitUsings, "GlobalUsings.cs")],
            [.. Net100.References.All, ShippedRtn, Ilgpu],
            Options);

    /// <summary>A consumer of one file that references both Rtn and Rtn.Gpu as built.</summary>
    public static CSharpCompilation GpuConsumer(string source) =>
        Consumer(ShippedRtn, source).AddReferences(ShippedRtnGpu, Ilgpu);

    /// <summary>A consumer assembly made of <paramref name="sources"/> (file name → text) referencing <paramref name="rtn"/>.</summary>
    public static CSharpCompilation Consumer(MetadataReference rtn, params (string Path, string Text)[] sources) =>
        CSharpCompilation.Create(
            "Consumer",
            sources.Select(source => Parse(source.Text, source.Path)),
            [.. Net100.References.All, rtn],
            Options);

    /// <summary>A consumer of one file, <c>Program.cs</c>.</summary>
    public static CSharpCompilation Consumer(MetadataReference rtn, string source) => Consumer(rtn, ("Program.cs", source));

    /// <summary>An empty assembly named <paramref name="name"/>, standing in for a reference that is only looked up by name.</summary>
    public static MetadataReference EmptyAssembly(string name) =>
        Emit(CSharpCompilation.Create(name, [], Net100.References.All, Options));

    public static SyntaxTree Parse(string text, string path) => CSharpSyntaxTree.ParseText(text, ParseOptions, path);

    private static IEnumerable<SyntaxTree> LibrarySources() => Sources(System.IO.Path.Combine(RepositoryRoot.Path, "src", "Rtn"));

    private static IEnumerable<SyntaxTree> Sources(string root)
    {
        var built = new[] { System.IO.Path.Combine(root, "bin"), System.IO.Path.Combine(root, "obj") };
        return Directory.EnumerateFiles(root, "*.cs", SearchOption.AllDirectories)
            .Where(path => !built.Any(folder => path.StartsWith(folder + System.IO.Path.DirectorySeparatorChar, StringComparison.Ordinal)))
            .Order(StringComparer.Ordinal)
            .Select(path => Parse(File.ReadAllText(path), path));
    }

    private static MetadataReference Emit(Compilation compilation)
    {
        using var image = new MemoryStream();
        var result = compilation.Emit(image);
        if (!result.Success)
        {
            throw new InvalidOperationException(
                $"{compilation.AssemblyName} does not compile:\n{string.Join('\n', result.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error))}");
        }

        return MetadataReference.CreateFromImage(ImmutableArray.Create(image.ToArray()));
    }
}
