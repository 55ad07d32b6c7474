using Rtn.Safetensors;

namespace Rtn.Cli.Pipeline.Jobs;

/// <summary>Copies a tensor byte for byte, streaming from the mapping so size does not matter.</summary>
internal sealed class CopyJob(SafetensorsFile file, TensorInfo tensor) : TensorJob
{
    public override IReadOnlyList<TensorDeclaration> Outputs { get; } = [TensorDeclaration.From(tensor)];

    public override long InputBytes => tensor.ByteLength;

    public override string Name => tensor.Name;

    public override void Run(SafetensorsWriter writer, KernelOptions options, CancellationToken cancellation)
    {
        using var source = file.OpenRead(tensor);
        writer.Write(tensor.Name, source);
    }
}
