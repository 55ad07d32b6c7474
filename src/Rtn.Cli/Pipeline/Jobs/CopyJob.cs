using Rtn.Safetensors;

namespace Rtn.Cli.Pipeline.Jobs;

/// <summary>
/// Copies a tensor byte for byte in slices read into reused buffers with positional reads, so
/// size does not matter and no page of the mapping is faulted in.
/// </summary>
internal sealed class CopyJob(SafetensorsFile file, TensorInfo tensor, ReusedBuffers buffers) : TensorJob
{
    public override IReadOnlyList<TensorDeclaration> Outputs { get; } = [TensorDeclaration.From(tensor)];

    public override long InputBytes => tensor.ByteLength;

    public override string Name => tensor.Name;

    public override void Run(SafetensorsWriter writer, KernelOptions options, CancellationToken cancellation)
    {
        var threads = options.ResolveThreads();
        var offset = 0L;
        do
        {
            cancellation.ThrowIfCancellationRequested();
            var slice = buffers.Input((int)Math.Min(RowSlices.MaxBytes, tensor.ByteLength - offset));
            file.ReadBytes(tensor, offset, slice, threads);
            writer.WriteChunk(tensor.Name, slice.Span);
            offset += slice.Length;
        }
        while (offset < tensor.ByteLength);
    }
}
