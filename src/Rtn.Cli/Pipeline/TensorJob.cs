using Rtn.Safetensors;

namespace Rtn.Cli.Pipeline;

/// <summary>
/// Turns input tensors into the output tensors that replace them. Jobs run one at a time,
/// and each holds at most its own result in memory until it is written.
/// </summary>
internal abstract class TensorJob
{
    /// <summary>What the job writes, in order.</summary>
    public abstract IReadOnlyList<TensorDeclaration> Outputs { get; }

    /// <summary>Bytes of input the job reads (progress is measured in these).</summary>
    public abstract long InputBytes { get; }

    /// <summary>The tensor being processed, for progress and errors.</summary>
    public abstract string Name { get; }

    public abstract void Run(SafetensorsWriter writer, KernelOptions options);
}

/// <summary>Copies a tensor byte for byte, streaming from the mapping so size does not matter.</summary>
internal sealed class CopyJob(SafetensorsFile file, TensorInfo tensor) : TensorJob
{
    public override IReadOnlyList<TensorDeclaration> Outputs { get; } = [TensorDeclaration.From(tensor)];

    public override long InputBytes => tensor.ByteLength;

    public override string Name => tensor.Name;

    public override void Run(SafetensorsWriter writer, KernelOptions options)
    {
        using var source = file.OpenRead(tensor);
        writer.Write(tensor.Name, source);
    }
}

/// <summary>Quantizes <c>P.weight</c> into packed <c>P.weight</c> and <c>P.scale</c>.</summary>
internal sealed class QuantizeJob : TensorJob
{
    private readonly SafetensorsFile file;
    private readonly TensorPlan plan;
    private readonly RtnFormat format;

    public QuantizeJob(SafetensorsFile file, TensorPlan plan, RtnFormat format)
    {
        (this.file, this.plan, this.format) = (file, plan, format);
        var config = plan.Config!;
        var shape = plan.Shape;
        var groups = shape.Columns / config.GroupSizeFor(shape.Columns);
        var packedRows = config.Bits == 4 ? shape.Rows / 2 : shape.Rows;
        var codes = format == RtnFormat.Signed ? SafetensorsDType.I8 : SafetensorsDType.U8;
        Outputs = shape.IsStack
            ?
            [
                new TensorDeclaration(plan.Tensor.Name, codes, shape.Experts, packedRows, shape.Columns),
                new TensorDeclaration(QuantizedNames.ScaleFor(plan.Tensor.Name), plan.Tensor.DType, shape.Experts, shape.Rows, groups),
            ]
            :
            [
                new TensorDeclaration(plan.Tensor.Name, codes, packedRows, shape.Columns),
                new TensorDeclaration(QuantizedNames.ScaleFor(plan.Tensor.Name), plan.Tensor.DType, shape.Rows, groups),
            ];
    }

    public override IReadOnlyList<TensorDeclaration> Outputs { get; }

    public override long InputBytes => plan.Tensor.ByteLength;

    public override string Name => plan.Tensor.Name;

    public TensorPlan Plan => plan;

    public override void Run(SafetensorsWriter writer, KernelOptions options)
    {
        var (packed, scales) = TensorCodec.Quantize(file.GetBytes(plan.Tensor), plan.Tensor.DType, plan.Shape, plan.Config!, format, options);
        writer.Write(Outputs[0].Name, packed);
        writer.Write(Outputs[1].Name, scales);
    }
}

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
