using Rtn.Cli.Pipeline.Formats;
using Rtn.Cli.Pipeline.Planning;
using Rtn.Safetensors;

namespace Rtn.Cli.Pipeline.Jobs;

/// <summary>Quantizes <c>P.weight</c> into packed <c>P.weight</c> and <c>P.scale</c>.</summary>
internal sealed class QuantizeJob : TensorJob
{
    private readonly SafetensorsFile file;
    private readonly TensorPlan plan;
    private readonly RtnFormat format;

    public QuantizeJob(SafetensorsFile file, TensorPlan plan, RtnFormat format)
    {
        (this.file, this.plan, this.format) = (file, plan, format);
        var codes = format == RtnFormat.Signed ? SafetensorsDType.I8 : SafetensorsDType.U8;
        Outputs =
        [
            new TensorDeclaration(plan.Tensor.Name, codes, QuantizedWeight.PackedShapeOf(plan.Config!, plan.Shape)),
            new TensorDeclaration(QuantizedNames.ScaleFor(plan.Tensor.Name), plan.Tensor.DType, QuantizedWeight.ScaleShapeOf(plan.Config!, plan.Shape)),
        ];
    }

    public override IReadOnlyList<TensorDeclaration> Outputs { get; }

    public override long InputBytes => plan.Tensor.ByteLength;

    public override string Name => plan.Tensor.Name;

    public override void Run(SafetensorsWriter writer, KernelOptions options)
    {
        var (packed, scales) = TensorCodec.Quantize(file.GetBytes(plan.Tensor), plan.Tensor.DType, plan.Shape, plan.Config!, format, options);
        writer.Write(Outputs[0].Name, packed);
        writer.Write(Outputs[1].Name, scales);
    }
}
