using Rtn.Cli.Pipeline.Formats;
using Rtn.Safetensors;

namespace Rtn.Cli.Pipeline.Jobs;

/// <summary>Rebuilds dense <c>P.weight</c> (in the scale dtype) from a quantized weight's stored codes and scales, in any save format.</summary>
internal sealed class DequantizeJob(CheckpointTensor weight, CheckpointTensor scale, QuantizedTensor layout) : TensorJob
{
    public override IReadOnlyList<TensorDeclaration> Outputs { get; } =
        [new TensorDeclaration(layout.Name, layout.Scale.DType, layout.LogicalShape)];

    public override long InputBytes => layout.Parts.Sum(part => part.ByteLength);

    public override string Name => layout.Name;

    public override void Run(SafetensorsWriter writer, KernelOptions options, CancellationToken cancellation)
    {
        var shape = layout.Shape;
        var denseRowBytes = (long)shape.Columns * layout.Scale.DType.BitSize() / 8;
        foreach (var (first, count) in RowSlices.Of(shape.TotalRows, denseRowBytes))
        {
            cancellation.ThrowIfCancellationRequested();
            var dense = QuantizedRows.Dequantize(layout, weight, scale, first, count, options);
            writer.WriteChunk(layout.Name, dense);
        }
    }
}
