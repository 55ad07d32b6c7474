using System.Buffers;
using System.Collections.ObjectModel;
using System.Text.Encodings.Web;
using System.Text.Json;
using static System.FormattableString;
using static Rtn.Safetensors.JsonDescriptions;

namespace Rtn.Safetensors;

/// <summary>
/// The index of a sharded checkpoint (<c>model.safetensors.index.json</c>): which shard file
/// holds each tensor, plus the checkpoint's metadata.
/// </summary>
/// <remarks>
/// The file is <c>{"metadata": {"total_size": N, ...}, "weight_map": {"tensor": "shard file"}}</c>
/// as written by Hugging Face tools; shard files are plain names in the index's folder.
/// </remarks>
public sealed class SafetensorsIndex
{
    /// <summary>The index's conventional file name.</summary>
    public const string DefaultFileName = "model.safetensors.index.json";

    private const string MetadataKey = "metadata";
    private const string WeightMapKey = "weight_map";
    private const string TotalSizeKey = "total_size";

    // Real indexes are a few megabytes even for the largest models.
    private const long MaxLength = 100_000_000;

    private static readonly JsonWriterOptions IndexJson = new()
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        Indented = true,
        IndentSize = 2,
    };

    /// <summary>
    /// An index mapping tensor names to shard file names (plain names, no folders), with the
    /// total size of all tensors in bytes and any other metadata entries to keep.
    /// </summary>
    public SafetensorsIndex(IReadOnlyDictionary<string, string> weightMap, long? totalSize = null, IReadOnlyDictionary<string, JsonElement>? otherMetadata = null)
    {
        ArgumentNullException.ThrowIfNull(weightMap);
        if (totalSize < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(totalSize), totalSize, "The total size of a checkpoint cannot be negative.");
        }

        foreach (var (tensor, shard) in weightMap)
        {
            if (ShardNameProblem(shard) is { } problem)
            {
                throw new ArgumentException($"Tensor '{tensor}' is mapped to {problem}.", nameof(weightMap));
            }
        }

        if (otherMetadata?.ContainsKey(TotalSizeKey) == true)
        {
            throw new ArgumentException($"Give {TotalSizeKey} as {nameof(totalSize)}, not among the other metadata.", nameof(otherMetadata));
        }

        WeightMap = new Dictionary<string, string>(weightMap, StringComparer.Ordinal).AsReadOnly();
        TotalSize = totalSize;
        OtherMetadata = otherMetadata is null
            ? ReadOnlyDictionary<string, JsonElement>.Empty
            : otherMetadata.ToDictionary(e => e.Key, e => e.Value.Clone(), StringComparer.Ordinal).AsReadOnly();
        ShardFiles = WeightMap.Values.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray();
    }

    /// <summary>Tensor name → shard file name.</summary>
    public IReadOnlyDictionary<string, string> WeightMap { get; }

    /// <summary>The metadata's <c>total_size</c>: bytes of tensor data in all shards, when given.</summary>
    public long? TotalSize { get; }

    /// <summary>The metadata's other entries, kept as JSON so they survive a rewrite.</summary>
    public IReadOnlyDictionary<string, JsonElement> OtherMetadata { get; }

    /// <summary>The distinct shard file names, in ordinal order (which is shard order for the usual <c>model-00001-of-00004</c> names).</summary>
    public IReadOnlyList<string> ShardFiles { get; }

    /// <summary>
    /// Reads and checks the index at <paramref name="path"/>: its JSON, that every shard is a
    /// plain file name present in the index's folder, and that each shard is a valid
    /// safetensors file holding exactly the tensors mapped to it.
    /// </summary>
    public static SafetensorsIndex Load(string path)
    {
        var index = Read(path);
        foreach (var shard in index.OpenShards(path))
        {
            shard.Dispose();
        }

        return index;
    }

    /// <summary>Writes the index to <paramref name="path"/> (replacing it atomically), entries sorted by name.</summary>
    public void Write(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var buffer = new ArrayBufferWriter<byte>();
        using (var json = new Utf8JsonWriter(buffer, IndexJson))
        {
            json.WriteStartObject();
            json.WriteStartObject(MetadataKey);
            if (TotalSize is { } totalSize)
            {
                json.WriteNumber(TotalSizeKey, totalSize);
            }

            foreach (var (key, value) in OtherMetadata.OrderBy(e => e.Key, StringComparer.Ordinal))
            {
                json.WritePropertyName(key);
                value.WriteTo(json);
            }

            json.WriteEndObject();
            json.WriteStartObject(WeightMapKey);
            foreach (var (tensor, shard) in WeightMap.OrderBy(e => e.Key, StringComparer.Ordinal))
            {
                json.WriteString(tensor, shard);
            }

            json.WriteEndObject();
            json.WriteEndObject();
        }

        buffer.Write("\n"u8);
        using var file = AtomicFile.Create(path, buffer.WrittenCount);
        file.Write(buffer.WrittenSpan);
        file.Commit();
    }

    /// <summary>Reads and checks the index's JSON and shard names, without touching the shards.</summary>
    internal static SafetensorsIndex Read(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var length = new FileInfo(path) is { Exists: true } info
            ? info.Length
            : throw new FileNotFoundException($"No checkpoint index at {path}.", path);
        if (length > MaxLength)
        {
            throw new SafetensorsFormatException(path, Invariant($"the index is {length} bytes, above the {MaxLength}-byte limit"));
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(File.ReadAllBytes(path));
        }
        catch (JsonException e)
        {
            throw new SafetensorsFormatException(path, $"the index is not valid JSON: {e.Message}", e);
        }

        using (document)
        {
            try
            {
                return FromJson(path, document.RootElement);
            }
            catch (InvalidOperationException e)
            {
                // GetString on escapes such as a lone "\ud800" that name no Unicode character.
                throw new SafetensorsFormatException(path, $"the index holds text that is not valid Unicode: {e.Message}", e);
            }
        }
    }

    /// <summary>
    /// Opens every shard in the folder of the index at <paramref name="indexPath"/> (in
    /// <see cref="ShardFiles"/> order) and checks that each holds exactly the tensors mapped to it.
    /// </summary>
    internal List<SafetensorsFile> OpenShards(string indexPath)
    {
        var folder = Path.GetDirectoryName(Path.GetFullPath(indexPath))!;
        var shards = new List<SafetensorsFile>(ShardFiles.Count);
        try
        {
            var mapped = WeightMap.ToLookup(e => e.Value, e => e.Key, StringComparer.Ordinal);
            foreach (var shardName in ShardFiles)
            {
                var shardPath = Path.Combine(folder, shardName);
                if (!File.Exists(shardPath))
                {
                    throw new SafetensorsFormatException(indexPath,
                        $"shard '{shardName}' (holding tensor '{mapped[shardName].First()}') is missing from {folder}");
                }

                var shard = SafetensorsFile.Open(shardPath);
                shards.Add(shard);
                foreach (var tensor in mapped[shardName])
                {
                    if (!shard.TryGetTensor(tensor, out _))
                    {
                        throw new SafetensorsFormatException(indexPath, $"tensor '{tensor}' is mapped to shard '{shardName}', which does not hold it");
                    }
                }

                foreach (var tensor in shard.Tensors)
                {
                    if (WeightMap.GetValueOrDefault(tensor.Name) != shardName)
                    {
                        throw new SafetensorsFormatException(indexPath,
                            $"shard '{shardName}' holds tensor '{tensor.Name}', which the weight map {(WeightMap.TryGetValue(tensor.Name, out var other) ? $"puts in '{other}'" : "does not list")}");
                    }
                }
            }

            return shards;
        }
        catch
        {
            foreach (var shard in shards)
            {
                shard.Dispose();
            }

            throw;
        }
    }

    private static SafetensorsIndex FromJson(string path, JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw new SafetensorsFormatException(path, $"the index is a JSON {Kind(root)}, not an object");
        }

        JsonElement? metadataValue = null, weightMapValue = null;
        foreach (var entry in root.EnumerateObject())
        {
            // Other top-level entries are ignored, as the Hugging Face loaders ignore them.
            switch (entry.Name)
            {
                case MetadataKey: metadataValue = Once(path, entry, metadataValue); break;
                case WeightMapKey: weightMapValue = Once(path, entry, weightMapValue); break;
            }
        }

        if (weightMapValue is not { ValueKind: JsonValueKind.Object } weightMapObject)
        {
            throw new SafetensorsFormatException(path, weightMapValue is { } other
                ? $"{WeightMapKey} is a JSON {Kind(other)}, not an object"
                : $"the index has no {WeightMapKey}");
        }

        var weightMap = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var entry in weightMapObject.EnumerateObject())
        {
            if (entry.Value.ValueKind != JsonValueKind.String)
            {
                throw new SafetensorsFormatException(path, $"{WeightMapKey} entry '{entry.Name}' is a JSON {Kind(entry.Value)}, not a file name");
            }

            var shard = entry.Value.GetString()!;
            if (ShardNameProblem(shard) is { } problem)
            {
                throw new SafetensorsFormatException(path, $"tensor '{entry.Name}' is mapped to {problem}");
            }

            if (!weightMap.TryAdd(entry.Name, shard))
            {
                throw new SafetensorsFormatException(path, $"{WeightMapKey} lists tensor '{entry.Name}' twice");
            }
        }

        long? totalSize = null;
        var otherMetadata = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        if (metadataValue is { ValueKind: not JsonValueKind.Null } metadata)
        {
            if (metadata.ValueKind != JsonValueKind.Object)
            {
                throw new SafetensorsFormatException(path, $"{MetadataKey} is a JSON {Kind(metadata)}, not an object");
            }

            foreach (var entry in metadata.EnumerateObject())
            {
                if (entry.Name == TotalSizeKey)
                {
                    if (totalSize is not null)
                    {
                        throw new SafetensorsFormatException(path, $"{MetadataKey} gives {TotalSizeKey} twice");
                    }

                    totalSize = entry.Value.ValueKind == JsonValueKind.Number && entry.Value.TryGetInt64(out var size) && size >= 0
                        ? size
                        : throw new SafetensorsFormatException(path, $"{MetadataKey}.{TotalSizeKey} {Quote(entry.Value)} is not a non-negative integer");
                }
                else if (!otherMetadata.TryAdd(entry.Name, entry.Value.Clone()))
                {
                    throw new SafetensorsFormatException(path, $"{MetadataKey} gives '{entry.Name}' twice");
                }
            }
        }

        return new SafetensorsIndex(weightMap, totalSize, otherMetadata);
    }

    /// <summary>
    /// Why <paramref name="shard"/> cannot be a shard's file name, or null. Only plain names in
    /// the index's own folder are allowed, so an index cannot point a reader elsewhere.
    /// </summary>
    private static string? ShardNameProblem(string? shard) => shard switch
    {
        null => "no file name",
        "" or "." or ".." => $"'{shard}', which is not a file name",
        _ when shard.AsSpan().IndexOfAny('/', '\\', '\0') >= 0 || Path.IsPathRooted(shard) || Path.GetFileName(shard) != shard =>
            $"'{shard}', which is not a plain file name in the index's folder",
        _ => null,
    };

    private static JsonElement Once(string path, JsonProperty entry, JsonElement? earlier) =>
        earlier is null ? entry.Value : throw new SafetensorsFormatException(path, $"the index gives {entry.Name} twice");
}
