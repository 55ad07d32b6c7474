using System.Buffers.Binary;
using System.Collections.Immutable;
using System.Collections.ObjectModel;
using System.Text.Json;
using System.Text.Unicode;
using static System.FormattableString;
using static Rtn.Safetensors.JsonDescriptions;

namespace Rtn.Safetensors;

internal sealed partial class SafetensorsHeader
{
    /// <summary>Checks that a file is long enough to hold the header length.</summary>
    public static void CheckFileLength(string path, long fileLength)
    {
        if (fileLength < LengthPrefixSize)
        {
            throw new SafetensorsFormatException(path,
                Invariant($"the file is {fileLength} bytes, too short for the {LengthPrefixSize}-byte header length"));
        }
    }

    /// <summary>
    /// Reads the header length from the first bytes of a <paramref name="fileLength"/>-byte
    /// file and checks it against the limit and the file.
    /// </summary>
    public static long ReadLength(string path, ReadOnlySpan<byte> prefix, long fileLength)
    {
        var declared = BinaryPrimitives.ReadUInt64LittleEndian(prefix);
        if ((declared > MaxLength || (long)declared > fileLength - LengthPrefixSize) && IsText(prefix[..LengthPrefixSize]))
        {
            throw new SafetensorsFormatException(path,
                Invariant($"not a safetensors file: it starts with text (\"{Escape(prefix[..LengthPrefixSize])}\"), where a safetensors file starts with an 8-byte header length"));
        }

        if (declared > MaxLength)
        {
            throw new SafetensorsFormatException(path,
                Invariant($"header length {declared} is above the {MaxLength}-byte limit"));
        }

        if ((long)declared > fileLength - LengthPrefixSize)
        {
            throw new SafetensorsFormatException(path,
                Invariant($"header length {declared} runs past the end of the {fileLength}-byte file"));
        }

        return (long)declared;
    }

    // JSON, a config or a tokenizer file: printable ASCII and whitespace, where a real header
    // length has zero bytes in its high half.
    private static bool IsText(ReadOnlySpan<byte> bytes)
    {
        foreach (var b in bytes)
        {
            if (b is not ((>= 0x20 and < 0x7F) or (byte)'\n' or (byte)'\r' or (byte)'\t'))
            {
                return false;
            }
        }

        return true;
    }

    private static string Escape(ReadOnlySpan<byte> text) =>
        System.Text.Encoding.ASCII.GetString(text).Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal)
            .Replace("\n", "\\n", StringComparison.Ordinal).Replace("\r", "\\r", StringComparison.Ordinal).Replace("\t", "\\t", StringComparison.Ordinal);

    /// <summary>
    /// Parses and checks the header <paramref name="json"/> of a file whose data section holds
    /// <paramref name="dataLength"/> bytes; any problem is a <see cref="SafetensorsFormatException"/>.
    /// </summary>
    public static SafetensorsHeader Parse(string path, ReadOnlyMemory<byte> json, long dataLength)
    {
        // Checked up front because the JSON reader only validates UTF-8 in the strings it is asked to decode.
        if (!Utf8.IsValid(json.Span))
        {
            throw new SafetensorsFormatException(path, "header is not valid UTF-8");
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json);
        }
        catch (JsonException e)
        {
            throw new SafetensorsFormatException(path, $"header is not valid JSON: {e.Message}", e);
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw new SafetensorsFormatException(path, $"header is a JSON {Kind(root)}, not an object");
            }

            // The reference implementation rejects anything before the brace, whitespace included.
            if (json.Span[0] != (byte)'{')
            {
                throw new SafetensorsFormatException(path, "header does not start with '{'");
            }

            var metadata = ReadOnlyDictionary<string, string>.Empty;
            var tensors = new List<TensorInfo>();
            var names = new HashSet<string>(StringComparer.Ordinal);
            foreach (var entry in root.EnumerateObject())
            {
                var name = ReadName(path, entry);
                if (!names.Add(name))
                {
                    throw new SafetensorsFormatException(path, $"header has two entries named '{name}'");
                }

                if (name == MetadataKey)
                {
                    metadata = ReadMetadata(path, entry.Value);
                }
                else
                {
                    tensors.Add(ReadTensor(path, name, entry.Value, dataLength));
                }
            }

            return new(metadata, CheckCoverage(path, tensors, dataLength));
        }
    }

    private static ReadOnlyDictionary<string, string> ReadMetadata(string path, JsonElement value)
    {
        if (value.ValueKind == JsonValueKind.Null)
        {
            return ReadOnlyDictionary<string, string>.Empty;
        }

        if (value.ValueKind != JsonValueKind.Object)
        {
            throw new SafetensorsFormatException(path, $"{MetadataKey} is a JSON {Kind(value)}, not an object of strings");
        }

        var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var entry in value.EnumerateObject())
        {
            var key = ReadName(path, entry);
            if (entry.Value.ValueKind != JsonValueKind.String)
            {
                throw new SafetensorsFormatException(path,
                    $"{MetadataKey} entry '{key}' is a JSON {Kind(entry.Value)}, not a string");
            }

            if (!metadata.TryAdd(key, ReadString(path, entry.Value, $"{MetadataKey} entry '{key}'")))
            {
                throw new SafetensorsFormatException(path, $"{MetadataKey} has two entries named '{key}'");
            }
        }

        return metadata.AsReadOnly();
    }

    private static TensorInfo ReadTensor(string path, string name, JsonElement value, long dataLength)
    {
        if (value.ValueKind != JsonValueKind.Object)
        {
            throw new SafetensorsFormatException(path, $"tensor '{name}' is described by a JSON {Kind(value)}, not an object");
        }

        JsonElement? dtypeValue = null, shapeValue = null, offsetsValue = null;
        foreach (var field in value.EnumerateObject())
        {
            // Other fields are ignored, as the reference implementation ignores them.
            switch (ReadName(path, field))
            {
                case "dtype": dtypeValue = Once(path, name, field, dtypeValue); break;
                case "shape": shapeValue = Once(path, name, field, shapeValue); break;
                case "data_offsets": offsetsValue = Once(path, name, field, offsetsValue); break;
            }
        }

        var dtype = ReadDType(path, name, dtypeValue);
        var shape = ReadIntegers(path, name, "shape", shapeValue, requiredCount: null);
        var offsets = ReadIntegers(path, name, "data_offsets", offsetsValue, requiredCount: 2);
        var (begin, end) = (offsets[0], offsets[1]);
        if (begin > end)
        {
            throw new SafetensorsFormatException(path,
                Invariant($"tensor '{name}' data_offsets [{begin}, {end}] end before they begin"));
        }

        if (end > dataLength)
        {
            throw new SafetensorsFormatException(path,
                Invariant($"tensor '{name}' data_offsets [{begin}, {end}] reach past the end of the {dataLength}-byte data section"));
        }

        var problem = TensorSizes.TryCompute(dtype, shape.AsSpan(), out var elementCount, out var byteCount);
        if (problem is not null)
        {
            throw new SafetensorsFormatException(path, $"tensor '{name}': {problem}");
        }

        if (end - begin != byteCount)
        {
            throw new SafetensorsFormatException(path,
                Invariant($"tensor '{name}' data_offsets [{begin}, {end}] hold {end - begin} bytes but {TensorSizes.Describe(dtype, shape.AsSpan())} needs {byteCount}"));
        }

        return new TensorInfo(name, dtype, shape, elementCount, begin, byteCount);
    }

    private static SafetensorsDType ReadDType(string path, string name, JsonElement? value)
    {
        if (value is not { } text)
        {
            throw new SafetensorsFormatException(path, $"tensor '{name}' has no dtype");
        }

        if (text.ValueKind != JsonValueKind.String)
        {
            throw new SafetensorsFormatException(path, $"tensor '{name}' dtype {Quote(text)} is not a string");
        }

        var spelling = ReadString(path, text, $"tensor '{name}' dtype");
        if (!SafetensorsDTypes.TryParse(spelling, out var dtype))
        {
            throw new SafetensorsFormatException(path, $"tensor '{name}' has unknown dtype '{Clip(spelling)}'");
        }

        return dtype;
    }

    private static ImmutableArray<long> ReadIntegers(string path, string name, string field, JsonElement? value, int? requiredCount)
    {
        if (value is not { } list)
        {
            throw new SafetensorsFormatException(path, $"tensor '{name}' has no {field}");
        }

        var expected = requiredCount is { } count ? Invariant($"{count} non-negative integers") : "a list of non-negative integers";
        if (list.ValueKind != JsonValueKind.Array || (requiredCount is { } n && list.GetArrayLength() != n))
        {
            throw new SafetensorsFormatException(path, $"tensor '{name}' {field} {Quote(list)} is not {expected}");
        }

        var integers = ImmutableArray.CreateBuilder<long>(list.GetArrayLength());
        foreach (var item in list.EnumerateArray())
        {
            // TryGetInt64 refuses fractions, exponents and anything beyond 64 bits.
            if (item.ValueKind != JsonValueKind.Number || !item.TryGetInt64(out var integer) || integer < 0)
            {
                throw new SafetensorsFormatException(path, $"tensor '{name}' {field} {Quote(list)} is not {expected}");
            }

            integers.Add(integer);
        }

        return integers.MoveToImmutable();
    }

    /// <summary>Orders tensors by offset and checks they tile the data section exactly, as the reference implementation requires.</summary>
    private static ImmutableArray<TensorInfo> CheckCoverage(string path, List<TensorInfo> tensors, long dataLength)
    {
        // Stable, so empty tensors at the same offset keep their header order.
        var ordered = tensors.OrderBy(t => t.DataOffset).ThenBy(t => t.DataOffset + t.ByteLength).ToImmutableArray();
        var covered = 0L;
        TensorInfo? previous = null;
        foreach (var tensor in ordered)
        {
            if (tensor.DataOffset < covered)
            {
                throw new SafetensorsFormatException(path,
                    $"tensor '{tensor.Name}' data_offsets {Offsets(tensor)} overlap tensor '{previous!.Name}' data_offsets {Offsets(previous)}");
            }

            if (tensor.DataOffset > covered)
            {
                throw new SafetensorsFormatException(path,
                    Invariant($"data bytes [{covered}, {tensor.DataOffset}) belong to no tensor"));
            }

            covered = tensor.DataOffset + tensor.ByteLength;
            previous = tensor;
        }

        if (covered != dataLength)
        {
            throw new SafetensorsFormatException(path,
                Invariant($"data bytes [{covered}, {dataLength}) at the end of the file belong to no tensor"));
        }

        return ordered;
    }

    private static string ReadName(string path, JsonProperty property)
    {
        try
        {
            return property.Name;
        }
        catch (InvalidOperationException e)
        {
            throw new SafetensorsFormatException(path, $"a header key is not valid text: {e.Message}", e);
        }
    }

    private static string ReadString(string path, JsonElement value, string what)
    {
        // GetString fails on escapes such as a lone "\ud800" that name no Unicode character.
        try
        {
            return value.GetString()!;
        }
        catch (InvalidOperationException e)
        {
            throw new SafetensorsFormatException(path, $"{what} is not valid text: {e.Message}", e);
        }
    }

    private static string Offsets(TensorInfo tensor) => Invariant($"[{tensor.DataOffset}, {tensor.DataOffset + tensor.ByteLength}]");

    private static JsonElement Once(string path, string name, JsonProperty field, JsonElement? earlier) =>
        earlier is null ? field.Value : throw new SafetensorsFormatException(path, $"tensor '{name}' gives {field.Name} twice");
}
