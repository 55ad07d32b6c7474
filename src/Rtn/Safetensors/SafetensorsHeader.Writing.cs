using System.Buffers;
using System.Collections.Immutable;
using System.Text.Encodings.Web;
using System.Text.Json;
using static System.FormattableString;

namespace Rtn.Safetensors;

internal sealed partial class SafetensorsHeader
{
    private static readonly JsonWriterOptions HeaderJson = new()
    {
        // Names stay readable UTF-8 as the reference writer leaves them; the header is never
        // embedded in HTML, which is all the stricter default escaping guards against.
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        Indented = false,
    };

    /// <summary>
    /// Places <paramref name="declarations"/> back to back in the given order and writes the
    /// header for them, padded with spaces to a multiple of <see cref="Alignment"/> bytes as the
    /// reference writer pads it. Metadata is written first, keys in ordinal order, so equal
    /// inputs give equal bytes.
    /// </summary>
    public static (byte[] Json, ImmutableArray<TensorInfo> Tensors) Build(
        string path, IReadOnlyList<TensorDeclaration> declarations, IReadOnlyDictionary<string, string>? metadata)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        var tensors = ImmutableArray.CreateBuilder<TensorInfo>(declarations.Count);
        var offset = 0L;
        foreach (var declaration in declarations)
        {
            ArgumentNullException.ThrowIfNull(declaration, nameof(declarations));
            if (!names.Add(declaration.Name))
            {
                throw new ArgumentException($"{path}: tensor '{declaration.Name}' is declared twice.", nameof(declarations));
            }

            if (declaration.ByteLength > long.MaxValue - offset)
            {
                throw new ArgumentException($"{path}: tensor '{declaration.Name}' ends beyond the largest possible file.", nameof(declarations));
            }

            tensors.Add(new TensorInfo(declaration.Name, declaration.DType, declaration.Shape, declaration.ElementCount, offset, declaration.ByteLength));
            offset += declaration.ByteLength;
        }

        var buffer = new ArrayBufferWriter<byte>();
        using (var json = new Utf8JsonWriter(buffer, HeaderJson))
        {
            json.WriteStartObject();
            if (metadata is { Count: > 0 })
            {
                json.WriteStartObject(MetadataKey);
                foreach (var (key, value) in metadata.OrderBy(entry => entry.Key, StringComparer.Ordinal))
                {
                    ArgumentNullException.ThrowIfNull(value, nameof(metadata));
                    json.WriteString(key, value);
                }

                json.WriteEndObject();
            }

            foreach (var tensor in tensors)
            {
                json.WriteStartObject(tensor.Name);
                json.WriteString("dtype", tensor.DType.HeaderName());
                json.WriteStartArray("shape");
                foreach (var dimension in tensor.Shape)
                {
                    json.WriteNumberValue(dimension);
                }

                json.WriteEndArray();
                json.WriteStartArray("data_offsets");
                json.WriteNumberValue(tensor.DataOffset);
                json.WriteNumberValue(tensor.DataOffset + tensor.ByteLength);
                json.WriteEndArray();
                json.WriteEndObject();
            }

            json.WriteEndObject();
        }

        var length = (buffer.WrittenCount + Alignment - 1) / Alignment * Alignment;
        if (length > MaxLength)
        {
            throw new ArgumentException(
                Invariant($"{path}: the header would be {length} bytes, above the {MaxLength}-byte limit readers accept."),
                nameof(declarations));
        }

        var header = new byte[length];
        buffer.WrittenSpan.CopyTo(header);
        header.AsSpan(buffer.WrittenCount).Fill((byte)' ');
        return (header, tensors.MoveToImmutable());
    }
}
