using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;

namespace Rtn.Generators.Diagnostics;

/// <summary>Every diagnostic the kernel generator reports. Ids are stable: never reuse or renumber one.</summary>
internal static class DiagnosticDescriptors
{
    private const string Category = "Rtn.Kernels";

    /// <summary>
    /// <c>RTN0001</c>: a combination asks for a code width other than 4 or 8.
    /// <para>Format: <c>"Kernel combination asks for {0} bits; RTN codes have 4 or 8 bits"</c>.</para>
    /// </summary>
    public static readonly DiagnosticDescriptor UnsupportedBits = new(
        id: "RTN0001",
        title: "Unsupported code width",
        messageFormat: "Kernel combination asks for {0} bits; RTN codes have 4 or 8 bits",
        category: Category,
        defaultSeverity: DiagnosticSeverity.Error,
        isEnabledByDefault: true,
        description: "RTN quantizes to 4-bit or 8-bit signed codes; no kernels exist for other widths.");

    /// <summary>
    /// <c>RTN0002</c>: a combination asks for a group size that is 0 or below -1.
    /// <para>Format: <c>"Kernel combination asks for group size {0}; use a positive number of columns per scale, or -1 for one scale per row"</c>.</para>
    /// </summary>
    public static readonly DiagnosticDescriptor InvalidGroupSize = new(
        id: "RTN0002",
        title: "Invalid group size",
        messageFormat: "Kernel combination asks for group size {0}; use a positive number of columns per scale, or -1 for one scale per row",
        category: Category,
        defaultSeverity: DiagnosticSeverity.Error,
        isEnabledByDefault: true,
        description: "A group is a run of consecutive columns sharing one scale, so its size must be positive; -1 is the one exception and means the whole row.");

    /// <summary>
    /// <c>RTN0003</c>: a use of <c>RtnKernels&lt;TBits, TGroup&gt;</c> names a group marker whose name the generator cannot read.
    /// <para>Format: <c>"'{0}' is not a group-size marker name; name markers G&lt;columns&gt; (such as G128) or GRow, so that kernels can be generated for them"</c>.</para>
    /// </summary>
    public static readonly DiagnosticDescriptor UnreadableGroupMarker = new(
        id: "RTN0003",
        title: "Unreadable group-size marker name",
        messageFormat: "'{0}' is not a group-size marker name; name markers G<columns> (such as G128) or GRow, so that kernels can be generated for them",
        category: Category,
        defaultSeverity: DiagnosticSeverity.Warning,
        isEnabledByDefault: true,
        description: "The generator learns a group size from the marker's name, because the marker may be one it has yet to create. Code using a differently named marker still runs, on the generic kernels.");

    /// <summary>
    /// <c>RTN0004</c>: a use of <c>RtnKernels&lt;TBits, TGroup&gt;</c> names a bits marker other than <c>Bits4</c> or <c>Bits8</c>.
    /// <para>Format: <c>"'{0}' is not a bits marker name; use Bits4 or Bits8, so that kernels can be generated"</c>.</para>
    /// </summary>
    public static readonly DiagnosticDescriptor UnreadableBitsMarker = new(
        id: "RTN0004",
        title: "Unreadable bits marker name",
        messageFormat: "'{0}' is not a bits marker name; use Bits4 or Bits8, so that kernels can be generated",
        category: Category,
        defaultSeverity: DiagnosticSeverity.Warning,
        isEnabledByDefault: true,
        description: "The generator learns the code width from the marker's name. Code using a differently named marker still runs, on the generic kernels.");

    private static readonly Dictionary<string, DiagnosticDescriptor> ById =
        new[] { UnsupportedBits, InvalidGroupSize, UnreadableGroupMarker, UnreadableBitsMarker }.ToDictionary(static d => d.Id);

    /// <summary>The descriptor with <paramref name="id"/>, for rebuilding a diagnostic from its equatable model.</summary>
    public static DiagnosticDescriptor Find(string id) => ById[id];
}
