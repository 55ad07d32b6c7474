using Rtn.Safetensors;

namespace Rtn.Cli.Pipeline.Formats;

/// <summary>
/// How an output mirrors its input. A single <c>.safetensors</c> file gives a single file; a
/// model folder (or an index file) gives a folder with one output shard per input shard, under
/// the same names, a rewritten index, and the folder's other files (tokenizer, generation
/// config) copied. A <c>config.json</c> in an input folder is rewritten into the output folder;
/// a single-file output never gets side files.
/// </summary>
internal sealed record CheckpointLayout(
    string InputPath,
    string OutputPath,
    bool IsFolder,
    string? IndexFileName,
    string? ConfigPath,
    IReadOnlyList<string> CompanionFiles)
{
    private const string IndexSuffix = ".safetensors.index.json";

    /// <summary>
    /// Where a checkpoint read from <paramref name="input"/> is written for <paramref name="output"/>.
    /// A single file written to an existing folder keeps its file name there.
    /// </summary>
    /// <exception cref="ToolException">The output would overwrite the input.</exception>
    public static CheckpointLayout Resolve(string input, string output, SafetensorsCheckpoint checkpoint, Action<string> warn)
    {
        var isFolder = Directory.Exists(input) || input.EndsWith(IndexSuffix, StringComparison.OrdinalIgnoreCase);
        if (!isFolder && Directory.Exists(output))
        {
            output = Path.Combine(output, Path.GetFileName(input));
        }
        var inputFolder = Path.GetFullPath(Directory.Exists(input) ? input : Path.GetDirectoryName(Path.GetFullPath(input))!).TrimEnd(Path.DirectorySeparatorChar);
        var outputFull = Path.GetFullPath(output).TrimEnd(Path.DirectorySeparatorChar);
        var sameAsInput = isFolder ? outputFull == inputFolder : outputFull == Path.GetFullPath(input);
        if (sameAsInput || checkpoint.Files.Any(file => Path.GetFullPath(file.Path) == outputFull))
        {
            throw new ToolException($"{output} is the input; write the output somewhere else (the input is never modified).");
        }

        var indexFileName = checkpoint.Index is null ? null
            : File.Exists(input) ? Path.GetFileName(input)
            : SafetensorsIndex.DefaultFileName;

        string? configPath = Path.Combine(inputFolder, ModelConfigFile.FileName);
        if (!File.Exists(configPath))
        {
            configPath = null;
        }
        else if (!isFolder)
        {
            warn($"{configPath} is not rewritten: a single-file output gets no side files; give the folder as input for a model folder with its config.json.");
            configPath = null;
        }

        var companions = isFolder
            ? Directory.EnumerateFiles(inputFolder)
                .Where(file => IsCompanion(file, checkpoint, indexFileName))
                .Order(StringComparer.Ordinal)
                .ToArray()
            : [];
        return new CheckpointLayout(input, output, isFolder, indexFileName, configPath, companions);
    }

    /// <summary>The output file name of shard <paramref name="file"/>.</summary>
    public string OutputNameOf(SafetensorsFile file) => IsFolder ? Path.GetFileName(file.Path) : Path.GetFileName(Path.GetFullPath(OutputPath));

    private static bool IsCompanion(string file, SafetensorsCheckpoint checkpoint, string? indexFileName)
    {
        var name = Path.GetFileName(file);
        return !name.StartsWith('.')
            && name != ModelConfigFile.FileName
            && name != indexFileName
            && !name.EndsWith(".safetensors", StringComparison.Ordinal)
            && !name.EndsWith(IndexSuffix, StringComparison.Ordinal)
            && checkpoint.Files.All(shard => Path.GetFullPath(shard.Path) != Path.GetFullPath(file));
    }
}
