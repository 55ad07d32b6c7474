using System.Text;
using Microsoft.CodeAnalysis;
using Shouldly.Configuration;

namespace Rtn.Generators.Tests.Infrastructure;

/// <summary>Approved-file comparisons, kept in <c>Snapshots/</c> beside the tests.</summary>
internal static class Snapshot
{
    private static readonly string Version = typeof(RtnKernelGenerator).Assembly.GetName().Version!.ToString();

    /// <summary>Compares a generated file with <c>Snapshots/{Class}.{Test}.{name}.approved.cs</c>.</summary>
    public static void ShouldMatchApprovedSource(this GeneratorRun run, string hintName) =>
        run.Source(hintName).ShouldMatchApproved(options => Configure(options, hintName[..^".g.cs".Length], "cs"));

    /// <summary>Compares <paramref name="source"/> with its diagnostics drawn under it, as <c>Snapshots/{Class}.{Test}.approved.txt</c>.</summary>
    public static void ShouldMatchApprovedDiagnostics(this IEnumerable<Diagnostic> diagnostics, string source) =>
        Render(source, diagnostics).ShouldMatchApproved(options => Configure(options, discriminator: null, "txt"));

    private static void Configure(ShouldMatchConfigurationBuilder options, string? discriminator, string extension)
    {
        options.SubFolder("Snapshots")
            .WithFileExtension(extension)
            .LocateTestMethodUsingAttribute<FactAttribute>()
            // The version changes with every release; what is compared is the code around it.
            .WithScrubber(text => text.Replace($"\"Rtn.Generators\", \"{Version}\"", "\"Rtn.Generators\", \"VERSION\"", StringComparison.Ordinal));
        if (discriminator is not null)
        {
            options.WithDiscriminator(discriminator);
        }
    }

    // Each diagnostic is drawn under the line it starts on: carets under its span, then id, severity and message.
    private static string Render(string source, IEnumerable<Diagnostic> diagnostics)
    {
        var byLine = diagnostics.ToLookup(d => d.Location.GetLineSpan().StartLinePosition.Line);
        var lines = source.Split('\n');
        var text = new StringBuilder();
        for (var i = 0; i < lines.Length; i++)
        {
            text.Append(lines[i]).Append('\n');
            foreach (var diagnostic in byLine[i].OrderBy(d => d.Location.SourceSpan.Start).ThenBy(d => d.Id, StringComparer.Ordinal))
            {
                var span = diagnostic.Location.GetLineSpan().Span;
                var end = span.End.Line == i ? span.End.Character : lines[i].Length;
                text.Append(' ', span.Start.Character)
                    .Append('^', Math.Max(1, end - span.Start.Character))
                    .Append($" {diagnostic.Id} ({diagnostic.Severity}): {diagnostic.GetMessage(System.Globalization.CultureInfo.InvariantCulture)}\n");
            }
        }

        return text.ToString();
    }
}
