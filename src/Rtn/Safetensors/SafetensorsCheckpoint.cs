using System.Diagnostics.CodeAnalysis;

namespace Rtn.Safetensors;

/// <summary>
/// A model's weights in one or more safetensors files, opened together: a single file, a
/// sharded checkpoint with an index, or a folder of files, with lookup of any tensor by
/// name across all of them.
/// </summary>
public sealed class SafetensorsCheckpoint : IDisposable
{
    /// <summary>The single-file checkpoint's conventional name.</summary>
    public const string DefaultFileName = "model.safetensors";

    private const string Extension = ".safetensors";
    private const string IndexExtension = ".safetensors.index.json";

    private readonly Dictionary<string, CheckpointTensor> _byName;

    private SafetensorsCheckpoint(string path, SafetensorsIndex? index, IReadOnlyList<SafetensorsFile> files, Dictionary<string, CheckpointTensor> byName)
    {
        (Path, Index, Files, _byName) = (path, index, files, byName);
        Tensors = [.. files.SelectMany(file => file.Tensors.Select(tensor => new CheckpointTensor(file, tensor)))];
    }

    /// <summary>The path the checkpoint was opened with.</summary>
    public string Path { get; }

    /// <summary>The index of a sharded checkpoint; null when there is none.</summary>
    public SafetensorsIndex? Index { get; }

    /// <summary>The files (shards), in shard order, each with its tensors.</summary>
    public IReadOnlyList<SafetensorsFile> Files { get; }

    /// <summary>Every tensor with its file: file by file, and in data order within each.</summary>
    public IReadOnlyList<CheckpointTensor> Tensors { get; }

    /// <summary>The tensor called <paramref name="name"/>; a <see cref="KeyNotFoundException"/> naming the checkpoint if there is none.</summary>
    public CheckpointTensor this[string name] =>
        TryGetTensor(name, out var tensor) ? tensor : throw new KeyNotFoundException($"{Path} has no tensor '{name}'.");

    /// <summary>
    /// Opens a checkpoint. <paramref name="path"/> is a <c>.safetensors</c> file, an index
    /// (<c>*.safetensors.index.json</c>), or a folder, where the first of these is used:
    /// <c>model.safetensors.index.json</c> and its shards; <c>model.safetensors</c>; every
    /// <c>*.safetensors</c> file, in ordinal name order. Every file is checked in full; a
    /// malformed one, or a tensor name found in two files, is a <see cref="SafetensorsFormatException"/>.
    /// </summary>
    public static SafetensorsCheckpoint Open(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (File.Exists(path))
        {
            return path.EndsWith(IndexExtension, StringComparison.OrdinalIgnoreCase)
                ? FromIndex(path, path)
                : FromFiles(path, [path]);
        }

        if (!Directory.Exists(path))
        {
            throw new FileNotFoundException($"No file or folder at {path}.", path);
        }

        var indexPath = System.IO.Path.Combine(path, SafetensorsIndex.DefaultFileName);
        if (File.Exists(indexPath))
        {
            return FromIndex(path, indexPath);
        }

        var singlePath = System.IO.Path.Combine(path, DefaultFileName);
        if (File.Exists(singlePath))
        {
            return FromFiles(path, [singlePath]);
        }

        var files = Directory.EnumerateFiles(path, "*" + Extension)
            .Where(file => file.EndsWith(Extension, StringComparison.Ordinal))
            .Order(StringComparer.Ordinal)
            .ToArray();
        return files.Length > 0
            ? FromFiles(path, files)
            : throw new FileNotFoundException($"{path} holds no {DefaultFileName}, {SafetensorsIndex.DefaultFileName} or other {Extension} file.", path);
    }

    /// <summary>Finds the tensor called <paramref name="name"/> and its file.</summary>
    public bool TryGetTensor(string name, [MaybeNullWhen(false)] out CheckpointTensor tensor)
    {
        ArgumentNullException.ThrowIfNull(name);
        return _byName.TryGetValue(name, out tensor);
    }

    /// <summary>Closes every file.</summary>
    public void Dispose()
    {
        foreach (var file in Files)
        {
            file.Dispose();
        }
    }

    private static SafetensorsCheckpoint FromIndex(string path, string indexPath)
    {
        var index = SafetensorsIndex.Read(indexPath);
        var files = index.OpenShards(indexPath);

        // OpenShards has checked that each tensor lies in exactly the shard the index names.
        var byName = files
            .SelectMany(file => file.Tensors.Select(tensor => new CheckpointTensor(file, tensor)))
            .ToDictionary(t => t.Tensor.Name, StringComparer.Ordinal);
        return new SafetensorsCheckpoint(path, index, files, byName);
    }

    private static SafetensorsCheckpoint FromFiles(string path, string[] filePaths)
    {
        var files = new List<SafetensorsFile>(filePaths.Length);
        try
        {
            var byName = new Dictionary<string, CheckpointTensor>(StringComparer.Ordinal);
            foreach (var filePath in filePaths)
            {
                var file = SafetensorsFile.Open(filePath);
                files.Add(file);
                foreach (var tensor in file.Tensors)
                {
                    if (!byName.TryAdd(tensor.Name, new CheckpointTensor(file, tensor)))
                    {
                        throw new SafetensorsFormatException(filePath, $"tensor '{tensor.Name}' is also in {byName[tensor.Name].File.Path}");
                    }
                }
            }

            return new SafetensorsCheckpoint(path, index: null, files, byName);
        }
        catch
        {
            foreach (var file in files)
            {
                file.Dispose();
            }

            throw;
        }
    }
}
