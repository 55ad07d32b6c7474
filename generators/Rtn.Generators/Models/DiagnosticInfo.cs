using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Text;
using Rtn.Generators.Diagnostics;

namespace Rtn.Generators.Models;

/// <summary>
/// A diagnostic as plain values. A <see cref="Location"/> holds its syntax tree, which would
/// keep old compilations alive and compare by reference, so the model keeps only the path and spans.
/// </summary>
internal sealed record DiagnosticInfo(
    string DescriptorId,
    string FilePath,
    TextSpan Span,
    LinePositionSpan LineSpan,
    EquatableArray<string> Arguments)
{
    public static DiagnosticInfo Create(DiagnosticDescriptor descriptor, SyntaxNode node, params string[] arguments)
    {
        var location = node.GetLocation();
        return new(descriptor.Id, location.SourceTree?.FilePath ?? string.Empty, location.SourceSpan, location.GetLineSpan().Span, arguments.ToEquatableArray());
    }

    public Diagnostic ToDiagnostic() =>
        Diagnostic.Create(DiagnosticDescriptors.Find(DescriptorId), Location.Create(FilePath, Span, LineSpan), Arguments.ToArray<object>());
}
