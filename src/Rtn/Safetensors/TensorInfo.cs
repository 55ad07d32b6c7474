using System.Collections.Immutable;

namespace Rtn.Safetensors;

/// <summary>
/// One tensor of a safetensors file: its name, element type, shape and where its bytes lie.
/// Instances come from <see cref="SafetensorsFile"/> or <see cref="SafetensorsWriter"/>,
/// which have checked that the numbers agree.
/// </summary>
public sealed class TensorInfo
{
    internal TensorInfo(string name, SafetensorsDType dtype, ImmutableArray<long> shape, long elementCount, long dataOffset, long byteLength)
    {
        (Name, DType, Shape, ElementCount, DataOffset, ByteLength) = (name, dtype, shape, elementCount, dataOffset, byteLength);
    }

    /// <summary>The tensor's name (its key in the header).</summary>
    public string Name { get; }

    /// <summary>The element type.</summary>
    public SafetensorsDType DType { get; }

    /// <summary>Dimensions, outermost first; empty for a 0-d scalar.</summary>
    public ImmutableArray<long> Shape { get; }

    /// <summary>Number of elements: the product of <see cref="Shape"/> (1 for a scalar, 0 if any dimension is 0).</summary>
    public long ElementCount { get; }

    /// <summary>Where the bytes start, counted from the start of the data section (the header's <c>data_offsets[0]</c>).</summary>
    public long DataOffset { get; }

    /// <summary>Number of bytes (the header's <c>data_offsets[1] - data_offsets[0]</c>).</summary>
    public long ByteLength { get; }

    /// <summary>Name, dtype and shape, e.g. <c>lm_head.weight BF16 [32000, 4096]</c>.</summary>
    public override string ToString() => $"{Name} {TensorSizes.Describe(DType, Shape.AsSpan())}";
}
