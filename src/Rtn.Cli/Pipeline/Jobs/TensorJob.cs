using Rtn.Safetensors;

namespace Rtn.Cli.Pipeline.Jobs;

/// <summary>
/// Turns input tensors into the output tensors that replace them. Jobs run one at a time,
/// and each holds at most its own result in memory until it is written.
/// </summary>
internal abstract class TensorJob
{
    /// <summary>What the job writes, in order.</summary>
    public abstract IReadOnlyList<TensorDeclaration> Outputs { get; }

    /// <summary>Bytes of input the job reads (progress is measured in these).</summary>
    public abstract long InputBytes { get; }

    /// <summary>The tensor being processed, for progress and errors.</summary>
    public abstract string Name { get; }

    /// <summary>Computes and writes the outputs; <paramref name="cancellation"/> is checked between slices of a large tensor.</summary>
    public abstract void Run(SafetensorsWriter writer, KernelOptions options, CancellationToken cancellation);
}
