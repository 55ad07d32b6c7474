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

    public override void Run(SafetensorsWriter writer, KernelOptions options, CancellationToken cancellation)
    {
        var shape = plan.Shape;
        var rowBytes = plan.Tensor.ByteLength / shape.TotalRows;
        var slices = RowSlices.Of(shape.TotalRows, rowBytes).ToArray();

        // The file holds all codes, then all scales: a tensor in several slices is quantized
        // twice, writing the codes and then the scales, rather than holding every scale.
        foreach (var output in slices.Length == 1 ? [-1] : new[] { 0, 1 })
        {
            foreach (var (first, count) in slices)
            {
                cancellation.ThrowIfCancellationRequested();
                var (packed, scales) = TensorCodec.Quantize(
                    file.GetBytes(plan.Tensor, first * rowBytes, checked((int)(count * rowBytes))), plan.Tensor.DType, shape, first, count, plan.Config!, format, options);
                if (output != 1)
                {
                    writer.WriteChunk(Outputs[0].Name, packed);
                }

                if (output != 0)
                {
                    writer.WriteChunk(Outputs[1].Name, scales);
                }
            }
        }
    }
}
