using Rtn.Cli.Pipeline.Formats;
using Rtn.Safetensors;

namespace Rtn.Cli.Pipeline.Jobs;

/// <summary>Rebuilds dense <c>P.weight</c> (in the scale dtype) from packed <c>P.weight</c> and <c>P.scale</c>.</summary>
internal sealed class DequantizeJob(CheckpointTensor weight, CheckpointTensor scale, QuantizedTensor layout) : TensorJob
{
    public override IReadOnlyList<TensorDeclaration> Outputs { get; } =
        [new TensorDeclaration(layout.Weight.Name, layout.Scale.DType, layout.LogicalShape)];

    public override long InputBytes => layout.Weight.ByteLength + layout.Scale.ByteLength;

    public override string Name => layout.Weight.Name;

    public override void Run(SafetensorsWriter writer, KernelOptions options)
    {
        var dense = TensorCodec.Dequantize(
            weight.File.GetBytes(weight.Tensor), scale.File.GetBytes(scale.Tensor), layout.Scale.DType, layout.Shape, layout.Config, layout.Format, options);
        writer.Write(layout.Weight.Name, dense);
    }
}
