namespace Rtn.Generators;

/// <summary>The names of the pipeline's steps, as tests and the driver's step tracking see them.</summary>
internal static class TrackingNames
{
    public const string AttributeRequests = nameof(AttributeRequests);
    public const string UseRequests = nameof(UseRequests);
    public const string RequestedCombinations = nameof(RequestedCombinations);
    public const string CompilationFacts = nameof(CompilationFacts);
    public const string GenerationPlan = nameof(GenerationPlan);
    public const string Schemes = nameof(Schemes);
    public const string Markers = nameof(Markers);
    public const string Registration = nameof(Registration);
    public const string GpuKernels = nameof(GpuKernels);
}
