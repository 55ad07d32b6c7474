using Rtn.Cli.Pipeline.Formats;
using Rtn.Cli.Pipeline.Planning;
using Rtn.Safetensors;

namespace Rtn.Cli.Pipeline.Jobs;

/// <summary>Quantizes <c>P.weight</c> into the tensors of the save format (<see cref="QuantizedOutputs"/>).</summary>
internal sealed class QuantizeJob : TensorJob
{
    private readonly SafetensorsFile file;
    private readonly TensorPlan plan;
    private readonly SaveFormat save;
    private readonly RtnFormat format;

    public QuantizeJob(SafetensorsFile file, TensorPlan plan, SaveFormat save, RtnFormat format)
    {
        (this.file, this.plan, this.save, this.format) = (file, plan, save, format);
        Outputs = QuantizedOutputs.Declare(save, format, plan.Tensor.Name, plan.Tensor.DType, plan.Config!, plan.Shape);
    }

    public override IReadOnlyList<TensorDeclaration> Outputs { get; }

    public override long InputBytes => plan.Tensor.ByteLength;

    public override string Name => plan.Tensor.Name;

    public override void Run(SafetensorsWriter writer, KernelOptions options)
    {
        var (packed, scales) = TensorCodec.Quantize(file.GetBytes(plan.Tensor), plan.Tensor.DType, plan.Shape, plan.Config!, QuantizedOutputs.KernelLayout(save, format), options);
        var encoded = QuantizedOutputs.Encode(save, plan.Tensor.DType, plan.Config!, plan.Shape, packed, scales);
        for (var i = 0; i < Outputs.Count; i++)
        {
            writer.Write(Outputs[i].Name, encoded[i]);
        }
    }
}
