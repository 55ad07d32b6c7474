namespace Rtn.Safetensors;

/// <summary>A tensor of a checkpoint and the shard file that holds it.</summary>
/// <param name="File">The shard; read the tensor's bytes through it.</param>
/// <param name="Tensor">The tensor.</param>
/// <remarks>
/// A class rather than a struct: the lists, dictionaries and queries a checkpoint keeps of its
/// tensors then run the framework's shared, ahead-of-time compiled code instead of being
/// compiled for this type when a tool starts.
/// </remarks>
public sealed record CheckpointTensor(SafetensorsFile File, TensorInfo Tensor)
{
    /// <summary>The tensor's bytes, a view of the shard's mapping (see <see cref="SafetensorsFile.GetBytes(TensorInfo)"/>).</summary>
    public ReadOnlySpan<byte> GetBytes() => File.GetBytes(Tensor);

    /// <summary>The tensor's elements as <typeparamref name="T"/> (see <see cref="SafetensorsFile.GetValues{T}"/>).</summary>
    public ReadOnlySpan<T> GetValues<T>()
        where T : unmanaged => File.GetValues<T>(Tensor);

    /// <summary>A stream over the tensor's bytes (see <see cref="SafetensorsFile.OpenRead"/>).</summary>
    public Stream OpenRead() => File.OpenRead(Tensor);
}
