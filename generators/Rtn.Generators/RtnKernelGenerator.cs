using Microsoft.CodeAnalysis;

namespace Rtn.Generators;

/// <summary>
/// Generates RTN kernels specialized to each (bits, group size) combination a program asks for:
/// a scheme struct per combination, the group-size markers it lacks, one module initializer
/// registering the schemes with <c>Rtn.RtnKernels</c>, and, where Rtn.Gpu is referenced, a GPU
/// kernel class per combination registering with <c>Rtn.Gpu.RtnGpuKernels</c>.
/// </summary>
[Generator(LanguageNames.CSharp)]
public sealed partial class RtnKernelGenerator : IIncrementalGenerator
{
    /// <inheritdoc/>
    public void Initialize(IncrementalGeneratorInitializationContext context)
    {
        // 1. Combinations named by [assembly: RtnKernel(bits, groupSize)], for configurations
        //    chosen at run time. The compiler's attribute index finds them without binding every file.
        var attributeRequests = context.SyntaxProvider
            .ForAttributeWithMetadataName(Parse.RtnKernelAttributeName, Parse.IsCompilationUnit, Parse.GetAttributeRequests)
            .SelectMany(static (requests, _) => requests)
            .WithTrackingName(TrackingNames.AttributeRequests);

        // 2. Combinations named by closed uses such as RtnKernels<Bits4, G96>. The marker may be
        //    one this generator has yet to create, so its name is read, never its value.
        var useRequests = context.SyntaxProvider
            .CreateSyntaxProvider(Parse.IsKernelUse, Parse.GetUseRequest)
            .Where(static request => request is not null)
            .Select(static (request, _) => request!)
            .WithTrackingName(TrackingNames.UseRequests);

        // 3. Each invalid request is reported where it was written, on its own, so fixing one
        //    file's attribute re-reports nothing elsewhere.
        context.RegisterSourceOutput(attributeRequests.SelectMany(static (request, _) => request.Diagnostics), Emit.Diagnostic);
        context.RegisterSourceOutput(useRequests.SelectMany(static (request, _) => request.Diagnostics), Emit.Diagnostic);

        // 4. Duplicates merge into one sorted set: asking twice is not an error.
        var requested = attributeRequests.Collect()
            .Combine(useRequests.Collect())
            .Select(static (requests, _) => Plan.Merge(requests.Left, requests.Right))
            .WithTrackingName(TrackingNames.RequestedCombinations);

        // 5. What the compilation and its references already settle. Only plain values leave
        //    this step, so an edit that changes none of them stops here.
        var facts = context.CompilationProvider
            .Select(References.GetFacts)
            .WithTrackingName(TrackingNames.CompilationFacts);

        // 6. The requests, less what a referenced assembly already provides.
        var plan = requested.Combine(facts)
            .Select(static (input, _) => Plan.Create(input.Left, input.Right))
            .WithTrackingName(TrackingNames.GenerationPlan);

        // 7. One file per scheme: Q4G128.g.cs.
        var schemes = plan.SelectMany(static (plan, _) => plan.Schemes).WithTrackingName(TrackingNames.Schemes);
        context.RegisterSourceOutput(schemes, Emit.Scheme);

        // 8. One file per group-size marker the compilation cannot see yet.
        var markers = plan.SelectMany(static (plan, _) => plan.Markers).WithTrackingName(TrackingNames.Markers);
        context.RegisterSourceOutput(markers, Emit.Marker);

        // 9. Once per compilation: the module initializer registering every scheme.
        var registration = plan.Select(static (plan, _) => plan.Registration).WithTrackingName(TrackingNames.Registration);
        context.RegisterSourceOutput(registration, Emit.Registration);

        // 10. One file per GPU kernel class, only where Rtn.Gpu is referenced: Q4G128.Gpu.g.cs.
        var gpuKernels = plan.SelectMany(static (plan, _) => plan.GpuKernels).WithTrackingName(TrackingNames.GpuKernels);
        context.RegisterSourceOutput(gpuKernels, Emit.GpuKernels);
    }
}
