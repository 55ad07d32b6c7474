using Rtn.Cli.Pipeline.Formats;
using Rtn.Cli.Pipeline.Planning;
using Rtn.Safetensors;

namespace Rtn.Cli.Pipeline.Jobs;

/// <summary>
/// Quantizes <c>P.weight</c> into the tensors of the save format (<see cref="QuantizedOutputs"/>),
/// slice by slice of rows, each read into reused buffers with positional reads rather than
/// through the mapping.
/// </summary>
internal sealed class QuantizeJob : TensorJob
{
    private readonly SafetensorsFile file;
    private readonly TensorPlan plan;
    private readonly SaveFormat save;
    private readonly RtnFormat format;
    private readonly ReusedBuffers buffers;

    public QuantizeJob(SafetensorsFile file, TensorPlan plan, SaveFormat save, RtnFormat format, ReusedBuffers buffers)
    {
        (this.file, this.plan, this.save, this.format, this.buffers) = (file, plan, save, format, buffers);
        Outputs = QuantizedOutputs.Declare(save, format, plan.Tensor.Name, plan.Tensor.DType, plan.Config!, plan.Shape);
    }

    public override IReadOnlyList<TensorDeclaration> Outputs { get; }

    public override long InputBytes => plan.Tensor.ByteLength;

    public override string Name => plan.Tensor.Name;

    /// <summary>Full-precision bytes per row of the weight (over all experts, end to end).</summary>
    private long RowBytes => plan.Tensor.ByteLength / plan.Shape.TotalRows;

    /// <summary>
    /// The file holds each output tensor whole, one after the other, the codes first: each
    /// slice's codes are written as they come, and the scales (a small fraction of the weight:
    /// one per group) are gathered for the tensors that follow.
    /// </summary>
    public override void Run(SafetensorsWriter writer, KernelOptions options, CancellationToken cancellation)
    {
        var (tensor, config, shape) = (plan.Tensor, plan.Config!, plan.Shape);
        var scaleRowBytes = TensorCodec.ScaleBytes(tensor.DType, config, 1, shape.Columns);
        var scales = buffers.Scales(checked((int)(shape.TotalRows * scaleRowBytes)));
        var layout = QuantizedOutputs.KernelLayout(save, format);
        var threads = options.ResolveThreads();
        foreach (var (first, count) in RowSlices.Of(shape.TotalRows, RowBytes))
        {
            cancellation.ThrowIfCancellationRequested();
            var input = buffers.Input(checked((int)(count * RowBytes)));
            file.ReadBytes(tensor, first * RowBytes, input, threads);
            var packed = buffers.Packed(TensorCodec.PackedBytes(config, count, shape.Columns));
            var sliceScales = scales.Slice(checked((int)(first * scaleRowBytes)), count * scaleRowBytes);
            TensorCodec.Quantize(input.Span, tensor.DType, shape, first, count, config, layout, options, packed.Span, sliceScales.Span);
            writer.WriteChunk(Outputs[0].Name, QuantizedOutputs.EncodeCodes(save, config, count, shape.Columns, packed).Span);
        }

        var rest = QuantizedOutputs.EncodeFromScales(save, tensor.DType, config, shape, scales);
        for (var i = 0; i < rest.Length; i++)
        {
            writer.Write(Outputs[i + 1].Name, rest[i].Span);
        }
    }
}
