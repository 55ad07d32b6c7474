using System.Collections.Immutable;

namespace Rtn.Safetensors;

/// <summary>
/// The JSON header of a safetensors file, checked: metadata and tensors in data order, every
/// byte of the data section owned by exactly one tensor.
/// </summary>
/// <remarks>
/// The file is an 8-byte little-endian header length <c>N</c>, then <c>N</c> bytes of UTF-8
/// JSON (an object mapping tensor names to <c>{"dtype", "shape", "data_offsets"}</c>, with
/// optional string-to-string <c>"__metadata__"</c>), then the data section, which the
/// tensors cover without gaps or overlaps.
/// </remarks>
internal sealed partial class SafetensorsHeader
{
    /// <summary>The header key that holds free-form string metadata instead of a tensor.</summary>
    public const string MetadataKey = "__metadata__";

    /// <summary>Bytes before the header: its length as a little-endian u64.</summary>
    public const int LengthPrefixSize = sizeof(ulong);

    /// <summary>
    /// Longest header accepted, as in the reference implementation: real headers are kilobytes,
    /// and the limit bounds what a hostile length field can make a reader allocate.
    /// </summary>
    public const long MaxLength = 100_000_000;

    /// <summary>Writers pad the header with spaces to a multiple of this, so the data section starts aligned.</summary>
    public const int Alignment = 8;

    private SafetensorsHeader(IReadOnlyDictionary<string, string> metadata, ImmutableArray<TensorInfo> tensors)
    {
        (Metadata, Tensors) = (metadata, tensors);
    }

    /// <summary>The <c>__metadata__</c> entries, in header order; empty when absent.</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; }

    /// <summary>The tensors in data order (by offset).</summary>
    public ImmutableArray<TensorInfo> Tensors { get; }
}
