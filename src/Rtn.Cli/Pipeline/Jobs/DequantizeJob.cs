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
        var rowBytes = QuantizedRows.DenseRowBytes(layout);
        var slices = RowSlices.Of(layout.Shape.TotalRows, rowBytes).ToArray();
        var dense = GC.AllocateUninitializedArray<byte>(checked((int)(slices.Max(s => s.Count) * rowBytes)));
        foreach (var (first, count) in slices)
        {
            cancellation.ThrowIfCancellationRequested();
            QuantizedRows.Dequantize(layout, weight, scale, first, count, options, dense);
            writer.WriteChunk(layout.Name, dense.AsSpan(0, (int)(count * rowBytes)));
        }
    }
}
