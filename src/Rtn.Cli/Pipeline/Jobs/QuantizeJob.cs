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

    /// <summary>Full-precision bytes per row of the weight (over all experts, end to end).</summary>
    private long RowBytes => plan.Tensor.ByteLength / plan.Shape.TotalRows;

    public override void Run(SafetensorsWriter writer, KernelOptions options, CancellationToken cancellation)
    {
        var shape = plan.Shape;
        var slices = RowSlices.Of(shape.TotalRows, RowBytes).ToArray();
        if (slices.Length == 1)
        {
            var encoded = Quantize(0, slices[0].Count, options);
            for (var i = 0; i < Outputs.Count; i++)
            {
                writer.Write(Outputs[i].Name, encoded[i]);
            }

            return;
        }

        // The file holds each output tensor whole, one after the other: a tensor in several
        // slices is quantized once for each output that follows its rows, rather than holding
        // every code or scale of the tensor at once.
        for (var i = 0; i < Outputs.Count; i++)
        {
            if (QuantizedOutputs.WholeTensor(save, i, shape) is { } whole)
            {
                writer.Write(Outputs[i].Name, whole);
                continue;
            }

            foreach (var (first, count) in slices)
            {
                cancellation.ThrowIfCancellationRequested();
                writer.WriteChunk(Outputs[i].Name, Quantize(first, count, options)[i]);
            }
        }
    }

    /// <summary>The bytes of every output for rows <c>[first, first + count)</c>.</summary>
    private byte[][] Quantize(long first, int count, KernelOptions options)
    {
        var (packed, scales) = TensorCodec.Quantize(
            file.GetBytes(plan.Tensor, first * RowBytes, checked((int)(count * RowBytes))),
            plan.Tensor.DType,
            plan.Shape,
            first,
            count,
            plan.Config!,
            QuantizedOutputs.KernelLayout(save, format),
            options);
        return QuantizedOutputs.Encode(save, plan.Tensor.DType, plan.Config!, plan.Shape, count, packed, scales);
    }
}
