using System.Collections.Immutable;

namespace Rtn.Safetensors;

/// <summary>
/// A tensor that <see cref="SafetensorsWriter"/> is to write: name, element type and shape.
/// The byte count follows from them.
/// </summary>
public sealed class TensorDeclaration
{
    /// <summary>Declares a tensor, rejecting negative dimensions and sizes that overflow or are not whole bytes.</summary>
    public TensorDeclaration(string name, SafetensorsDType dtype, params ReadOnlySpan<long> shape)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (name == SafetensorsHeader.MetadataKey)
        {
            throw new ArgumentException($"'{SafetensorsHeader.MetadataKey}' is reserved for the header's metadata and cannot name a tensor.", nameof(name));
        }

        if (!Enum.IsDefined(dtype))
        {
            throw new ArgumentOutOfRangeException(nameof(dtype), dtype, $"Tensor '{name}': {(int)dtype} is not a safetensors dtype.");
        }

        var problem = TensorSizes.TryCompute(dtype, shape, out var elementCount, out var byteLength);
        if (problem is not null)
        {
            throw new ArgumentException($"Tensor '{name}': {problem}.", nameof(shape));
        }

        (Name, DType, Shape, ElementCount, ByteLength) = (name, dtype, [.. shape], elementCount, byteLength);
    }

    /// <summary>The tensor's name.</summary>
    public string Name { get; }

    /// <summary>The element type.</summary>
    public SafetensorsDType DType { get; }

    /// <summary>Dimensions, outermost first; empty for a 0-d scalar.</summary>
    public ImmutableArray<long> Shape { get; }

    /// <summary>Number of elements.</summary>
    public long ElementCount { get; }

    /// <summary>Number of bytes the tensor occupies in the file.</summary>
    public long ByteLength { get; }

    /// <summary>Declares a tensor with the same name, dtype and shape as one read from a file.</summary>
    public static TensorDeclaration From(TensorInfo tensor)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        return new(tensor.Name, tensor.DType, tensor.Shape.AsSpan());
    }

    /// <summary>Name, dtype and shape, e.g. <c>lm_head.weight BF16 [32000, 4096]</c>.</summary>
    public override string ToString() => $"{Name} {TensorSizes.Describe(DType, Shape.AsSpan())}";
}
