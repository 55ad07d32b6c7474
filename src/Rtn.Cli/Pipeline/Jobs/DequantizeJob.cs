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
        var (packedRowBytes, scaleRowBytes) = (layout.Weight.ByteLength / shape.TotalRows, layout.Scale.ByteLength / shape.TotalRows);
        var denseRowBytes = (long)shape.Columns * layout.Scale.DType.BitSize() / 8;
        foreach (var (first, count) in RowSlices.Of(shape.TotalRows, denseRowBytes))
        {
            cancellation.ThrowIfCancellationRequested();
            var dense = TensorCodec.Dequantize(
                layout.Codes(weight.File.GetBytes(weight.Tensor, first * packedRowBytes, checked((int)(count * packedRowBytes))), count),
                scale.File.GetBytes(scale.Tensor, first * scaleRowBytes, checked((int)(count * scaleRowBytes))),
                layout.Scale.DType,
                WeightShape.Matrix(count, shape.Columns),
                layout.Config,
                layout.Format,
                options);
            writer.WriteChunk(layout.Name, dense);
        }
    }
}
