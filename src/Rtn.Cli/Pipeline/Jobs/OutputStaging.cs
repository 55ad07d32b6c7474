namespace Rtn.Cli.Pipeline.Jobs;

/// <summary>
/// Collects a command's output in a hidden folder beside its destination and puts it in place
/// only when everything is written. A previous output is replaced only with <c>--force</c>, and
/// only at the very end: it is moved aside, the new output moved in, and the old one deleted;
/// if any of these moves fails, the old output is moved back, exactly as it was. A failure at
/// any point, or an interruption, leaves no new output behind; leftovers of a process that was
/// killed are found and removed (or, for a moved-aside output, put back) by the next run into
/// the same place. The input is only ever read.
/// </summary>
internal sealed class OutputStaging : IDisposable
{
    private readonly string target;
    private readonly string parent;
    private readonly bool isFolder;
    private readonly OutputMoves moves;
    private readonly Action<string> warn;
    private bool finished;

    private OutputStaging(string target, bool isFolder, OutputMoves moves, Action<string> warn)
    {
        (this.target, this.isFolder, this.moves, this.warn) = (target, isFolder, moves, warn);
        parent = Path.GetDirectoryName(target)!;
        StagingFolder = StagingNames.Staging(parent, Path.GetFileName(target));
        Directory.CreateDirectory(StagingFolder);
    }

    /// <summary>Where files are written until <see cref="Commit"/>.</summary>
    public string StagingFolder { get; }

    /// <summary>Stages the single file <paramref name="outputFile"/>; an existing file there is replaced only with <paramref name="force"/>.</summary>
    /// <exception cref="UsageException">The file exists and <paramref name="force"/> is not set.</exception>
    /// <exception cref="ToolException">The path is a folder, or its folder does not exist.</exception>
    public static OutputStaging ForFile(string outputFile, bool force, Action<string> warn, OutputMoves? moves = null)
    {
        var full = Path.GetFullPath(outputFile);
        var folder = Path.GetDirectoryName(full)!;
        if (!Directory.Exists(folder))
        {
            throw new ToolException($"{outputFile}: the folder {folder} does not exist.");
        }

        moves ??= OutputMoves.FileSystem;
        RecoverAbandoned(full, moves, warn);
        if (Directory.Exists(full))
        {
            throw new ToolException($"{outputFile} is a folder; give a file name for a single-file output.");
        }

        if (File.Exists(full) && !force)
        {
            throw new UsageException($"{outputFile} already exists; pass --force to replace it (it is replaced only once the new output is complete).");
        }

        return new OutputStaging(full, isFolder: false, moves, warn);
    }

    /// <summary>Stages a whole folder; an existing folder that is not empty is replaced only with <paramref name="force"/>.</summary>
    /// <exception cref="UsageException">The folder holds something and <paramref name="force"/> is not set.</exception>
    /// <exception cref="ToolException">The path is a file, or its parent folder does not exist.</exception>
    public static OutputStaging ForFolder(string outputFolder, bool force, Action<string> warn, OutputMoves? moves = null)
    {
        var full = Path.GetFullPath(outputFolder).TrimEnd(Path.DirectorySeparatorChar);
        var parent = Path.GetDirectoryName(full)!;
        if (!Directory.Exists(parent))
        {
            throw new ToolException($"{outputFolder}: the folder {parent} does not exist.");
        }

        moves ??= OutputMoves.FileSystem;
        RecoverAbandoned(full, moves, warn);
        if (File.Exists(full))
        {
            throw new ToolException($"{outputFolder} is a file; a model folder's output must be a folder.");
        }

        if (Directory.Exists(full) && Directory.EnumerateFileSystemEntries(full).Any() && !force)
        {
            throw new UsageException($"{outputFolder} already exists and is not empty; choose a new folder, or pass --force to replace it (it is replaced only once the new output is complete).");
        }

        return new OutputStaging(full, isFolder: true, moves, warn);
    }

    /// <summary>The staged path of output file <paramref name="fileName"/>.</summary>
    public string PathFor(string fileName) => Path.Combine(StagingFolder, fileName);

    /// <summary>Puts everything staged in place of the output, the previous output included, or leaves the previous output as it was.</summary>
    public void Commit()
    {
        ObjectDisposedException.ThrowIf(finished, this);
        var staged = isFolder ? StagingFolder : PathFor(Path.GetFileName(target));
        var aside = (isFolder ? Directory.Exists(target) : File.Exists(target)) ? StagingNames.Aside(parent, Path.GetFileName(target)) : null;
        if (aside is not null)
        {
            moves.Move(target, aside);
        }

        try
        {
            moves.Move(staged, target);
        }
        catch (Exception e) when (aside is not null && e is IOException or UnauthorizedAccessException)
        {
            PutBack(aside, e);
            throw;
        }

        finished = true;
        if (aside is not null)
        {
            TryDelete(aside);
        }

        TryDelete(StagingFolder);
    }

    /// <summary>Deletes the staged files unless they were committed.</summary>
    public void Dispose()
    {
        if (!finished)
        {
            TryDelete(StagingFolder);
        }

        finished = true;
    }

    private static void RecoverAbandoned(string target, OutputMoves moves, Action<string> warn)
    {
        foreach (var (path, isAside, owner) in StagingNames.Abandoned(Path.GetDirectoryName(target)!, Path.GetFileName(target)))
        {
            if (isAside && !Path.Exists(target))
            {
                moves.Move(path, target);
                warn($"{target}: put back the previous output from {path}, where process {owner} had moved it before it stopped.");
            }
            else
            {
                Delete(path);
                warn($"removed {path}, an unfinished output left by process {owner}, which no longer runs.");
            }
        }
    }

    private void PutBack(string aside, Exception failure)
    {
        try
        {
            moves.Move(aside, target);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ToolException($"{target} could not be replaced ({failure.Message}), and the previous output could not be moved back: it is at {aside} ({e.Message}).", failure);
        }
    }

    private void TryDelete(string path)
    {
        try
        {
            Delete(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            warn($"{path} could not be deleted ({e.Message}); the next run into {parent} removes it.");
        }
    }

    private static void Delete(string path)
    {
        if (Directory.Exists(path))
        {
            Directory.Delete(path, recursive: true);
        }
        else if (File.Exists(path))
        {
            File.Delete(path);
        }
    }
}
