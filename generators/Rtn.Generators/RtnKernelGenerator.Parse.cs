using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Rtn.Generators.Diagnostics;
using Rtn.Generators.Models;

namespace Rtn.Generators;

public sealed partial class RtnKernelGenerator
{
    /// <summary>How requests are read from attributes and from uses in code.</summary>
    internal static class Parse
    {
        public const string RtnKernelAttributeName = "Rtn.RtnKernelAttribute";

        /// <summary>Assembly attributes sit on the compilation unit.</summary>
        public static bool IsCompilationUnit(SyntaxNode node, CancellationToken token) => node is CompilationUnitSyntax;

        /// <summary>The requests of every <c>RtnKernel</c> attribute in one file.</summary>
        public static EquatableArray<KernelRequest> GetAttributeRequests(GeneratorAttributeSyntaxContext context, CancellationToken token)
        {
            var requests = new List<KernelRequest>();
            foreach (var attribute in context.Attributes)
            {
                // A malformed attribute is the compiler's to report; there is nothing to generate from it.
                if (!TryReadCombination(attribute, out var bits, out var groupSize)
                    || attribute.ApplicationSyntaxReference?.GetSyntax(token) is not { } syntax)
                {
                    continue;
                }

                requests.Add(Validate(bits, Argument(syntax, 0, "bits"), groupSize, Argument(syntax, 1, "groupSize")));
            }

            return requests.ToEquatableArray();
        }

        /// <summary>A generic name <c>RtnKernels&lt;A, B&gt;</c>, before any binding.</summary>
        public static bool IsKernelUse(SyntaxNode node, CancellationToken token) =>
            node is GenericNameSyntax { Identifier.ValueText: "RtnKernels", TypeArgumentList.Arguments.Count: 2, IsUnboundGenericName: false };

        /// <summary>
        /// The request of one use, or null when the name is not <c>Rtn.RtnKernels&lt;TBits, TGroup&gt;</c>
        /// or is still open (a type parameter stands for a marker; some closed use elsewhere asks).
        /// </summary>
        public static KernelRequest? GetUseRequest(GeneratorSyntaxContext context, CancellationToken token)
        {
            var name = (GenericNameSyntax)context.Node;
            var symbolInfo = context.SemanticModel.GetSymbolInfo(name, token);
            if ((symbolInfo.Symbol ?? symbolInfo.CandidateSymbols.FirstOrDefault()) is not INamedTypeSymbol type || !IsRtnKernels(type))
            {
                return null;
            }

            var bitsSyntax = name.TypeArgumentList.Arguments[0];
            var groupSyntax = name.TypeArgumentList.Arguments[1];
            if (context.SemanticModel.GetTypeInfo(bitsSyntax, token).Type is not INamedTypeSymbol bitsType
                || context.SemanticModel.GetTypeInfo(groupSyntax, token).Type is not INamedTypeSymbol groupType
                || !CouldBeMarker(bitsType, "IRtnBits")
                || !CouldBeMarker(groupType, "IRtnGroupSize"))
            {
                return null;
            }

            var diagnostics = new List<DiagnosticInfo>();
            if (!MarkerNames.TryReadBits(bitsType.Name, out var bits))
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.UnreadableBitsMarker, bitsSyntax, bitsType.Name));
            }

            if (!MarkerNames.TryReadGroupSize(groupType.Name, out var groupSize))
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.UnreadableGroupMarker, groupSyntax, groupType.Name));
            }

            return diagnostics.Count == 0
                ? Validate(bits, bitsSyntax, groupSize, groupSyntax)
                : KernelRequest.Invalid([.. diagnostics]);
        }

        /// <summary>Checks a combination against the spec, reporting each bad value where it was written.</summary>
        private static KernelRequest Validate(int bits, SyntaxNode bitsSyntax, int groupSize, SyntaxNode groupSyntax)
        {
            var diagnostics = new List<DiagnosticInfo>();
            if (bits is not (4 or 8))
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.UnsupportedBits, bitsSyntax, Invariant(bits)));
            }

            if (groupSize is 0 or < KernelSpec.PerRow)
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.InvalidGroupSize, groupSyntax, Invariant(groupSize)));
            }

            return diagnostics.Count == 0 ? KernelRequest.Valid(new KernelSpec(bits, groupSize)) : KernelRequest.Invalid([.. diagnostics]);
        }

        /// <summary>Where an attribute argument was written, so a diagnostic points at the bad value; the whole attribute if that is unclear.</summary>
        private static SyntaxNode Argument(SyntaxNode attribute, int position, string parameterName)
        {
            if (attribute is not AttributeSyntax { ArgumentList.Arguments: var arguments })
            {
                return attribute;
            }

            return arguments.FirstOrDefault(a => a.NameColon?.Name.Identifier.ValueText == parameterName)
                ?? (position < arguments.Count && arguments[position] is { NameColon: null, NameEquals: null } positional ? positional : attribute);
        }

        /// <summary>Reads the <c>(int bits, int groupSize)</c> constructor arguments that both kernel attributes take.</summary>
        public static bool TryReadCombination(AttributeData attribute, out int bits, out int groupSize)
        {
            var arguments = attribute.ConstructorArguments;
            (bits, groupSize) = (0, 0);
            if (arguments.Length != 2 || arguments[0].Value is not int b || arguments[1].Value is not int g)
            {
                return false;
            }

            (bits, groupSize) = (b, g);
            return true;
        }

        private static bool IsRtnKernels(INamedTypeSymbol type) =>
            type.OriginalDefinition is { Name: "RtnKernels", Arity: 2, ContainingNamespace: { Name: "Rtn", ContainingNamespace.IsGlobalNamespace: true } };

        // A missing type is a marker still to be generated. An existing type that is not a marker
        // breaks the constraint, which the compiler reports; a second complaint would be noise.
        private static bool CouldBeMarker(INamedTypeSymbol type, string markerInterface) =>
            type.TypeKind == TypeKind.Error
            || type.AllInterfaces.Any(i => i is { Name: var name, ContainingNamespace: { Name: "Rtn", ContainingNamespace.IsGlobalNamespace: true } } && name == markerInterface);

        private static string Invariant(int value) => value.ToString(System.Globalization.CultureInfo.InvariantCulture);
    }
}
