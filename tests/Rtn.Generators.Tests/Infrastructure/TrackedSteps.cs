using System.Collections;
using System.Reflection;
using Microsoft.CodeAnalysis;

namespace Rtn.Generators.Tests.Infrastructure;

/// <summary>The generator's named pipeline steps, as the driver tracked them.</summary>
internal static class TrackedSteps
{
    /// <summary>Every tracking name the generator declares.</summary>
    public static IReadOnlyList<string> Names { get; } =
    [
        .. typeof(TrackingNames)
            .GetFields(BindingFlags.Public | BindingFlags.Static)
            .Where(field => field is { IsLiteral: true } && field.FieldType == typeof(string))
            .Select(field => (string)field.GetRawConstantValue()!),
    ];

    public static IEnumerable<(object Value, IncrementalStepRunReason Reason)> Outputs(this GeneratorRunResult result, string name) =>
        result.TrackedSteps[name].SelectMany(step => step.Outputs);

    /// <summary>
    /// Fails on any compilation, symbol or syntax node reachable from a step's outputs: those
    /// compare by reference, so caching would never hit, and they keep old compilations alive.
    /// </summary>
    public static void ShouldHoldOnlyPlainValues(this GeneratorRunResult result)
    {
        var visited = new HashSet<object>(ReferenceEqualityComparer.Instance);
        foreach (var name in Names)
        {
            foreach (var (value, _) in result.Outputs(name))
            {
                Visit(value, name);
            }
        }

        void Visit(object? node, string step)
        {
            if (node is null || !visited.Add(node))
            {
                return;
            }

            if (node is Compilation or ISymbol or SyntaxNode or SyntaxTree or SemanticModel or Location)
            {
                throw new ShouldAssertException($"Step {step} outputs a {node.GetType().Name}, which defeats caching.");
            }

            var type = node.GetType();
            if (type.IsPrimitive || type.IsEnum || node is string)
            {
                return;
            }

            if (node is IEnumerable items)
            {
                foreach (var item in items)
                {
                    Visit(item, step);
                }
            }

            foreach (var field in type.GetFields(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance))
            {
                Visit(field.GetValue(node), step);
            }
        }
    }
}
