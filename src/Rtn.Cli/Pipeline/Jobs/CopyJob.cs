using Rtn.Safetensors;

namespace Rtn.Cli.Pipeline.Jobs;

/// <summary>
/// Copies a tensor byte for byte, file to file in slices (<see cref="SafetensorsWriter.CopyChunk"/>),
/// so size does not matter and the bytes need not pass through the process.
/// </summary>
internal sealed class CopyJob(SafetensorsFile file, TensorInfo tensor) : TensorJob
{
    public override IReadOnlyList<TensorDeclaration> Outputs { get; } = [TensorDeclaration.From(tensor)];

    public override long InputBytes => tensor.ByteLength;

    public override string Name => tensor.Name;

    public override void Run(SafetensorsWriter writer, KernelOptions options, CancellationToken cancellation)
    {
        var offset = 0L;
        do
        {
            cancellation.ThrowIfCancellationRequested();
            var length = Math.Min(RowSlices.MaxBytes, tensor.ByteLength - offset);
            writer.CopyChunk(tensor.Name, file, tensor, offset, length);
            offset += length;
        }
        while (offset < tensor.ByteLength);
    }
}
