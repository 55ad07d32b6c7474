namespace Rtn.Cli.Pipeline.Jobs;

/// <summary>
/// Collects a command's output files in a hidden folder beside their destination and moves
/// them into place only when everything is written: a failure at any point, including a
/// crash, leaves no output behind (at worst a hidden <c>.*.rtn-*</c> folder), and the input
/// is only ever read.
/// </summary>
internal sealed class OutputStaging : IDisposable
{
    private readonly string? outputFolder;
    private readonly string targetFolder;
    private bool committed;

    private OutputStaging(string stagingFolder, string targetFolder, string? outputFolder)
    {
        (StagingFolder, this.targetFolder, this.outputFolder) = (stagingFolder, targetFolder, outputFolder);
    }

    /// <summary>Where files are written until <see cref="Commit"/>.</summary>
    public string StagingFolder { get; }

    /// <summary>
    /// Stages files that will land in <paramref name="outputFile"/>'s folder (the file itself and
    /// companions such as config.json), replacing files of the same names there.
    /// </summary>
    public static OutputStaging ForFile(string outputFile)
    {
        var full = Path.GetFullPath(outputFile);
        var folder = Path.GetDirectoryName(full)!;
        if (!Directory.Exists(folder))
        {
            throw new ToolException($"{outputFile}: the folder {folder} does not exist.");
        }

        if (Directory.Exists(full))
        {
            throw new ToolException($"{outputFile} is a folder; give a file name for a single-file output.");
        }

        return new OutputStaging(CreateHidden(folder, Path.GetFileName(full)), folder, outputFolder: null);
    }

    /// <summary>Stages a whole folder, which must not exist yet or be empty.</summary>
    public static OutputStaging ForFolder(string outputFolder)
    {
        var full = Path.GetFullPath(outputFolder).TrimEnd(Path.DirectorySeparatorChar);
        if (File.Exists(full))
        {
            throw new ToolException($"{outputFolder} is a file; a model folder's output must be a folder.");
        }

        if (Directory.Exists(full) && Directory.EnumerateFileSystemEntries(full).Any())
        {
            throw new ToolException($"{outputFolder} already exists and is not empty; choose a new folder.");
        }

        var parent = Path.GetDirectoryName(full)!;
        if (!Directory.Exists(parent))
        {
            throw new ToolException($"{outputFolder}: the folder {parent} does not exist.");
        }

        return new OutputStaging(CreateHidden(parent, Path.GetFileName(full)), full, full);
    }

    /// <summary>The staged path of output file <paramref name="fileName"/>.</summary>
    public string PathFor(string fileName) => Path.Combine(StagingFolder, fileName);

    /// <summary>Moves everything staged into place.</summary>
    public void Commit()
    {
        ObjectDisposedException.ThrowIf(committed, this);
        if (outputFolder is not null)
        {
            if (Directory.Exists(outputFolder))
            {
                Directory.Delete(outputFolder);
            }

            Directory.Move(StagingFolder, outputFolder);
        }
        else
        {
            var moved = new List<string>();
            try
            {
                foreach (var staged in Directory.EnumerateFiles(StagingFolder))
                {
                    var target = Path.Combine(targetFolder, Path.GetFileName(staged));
                    File.Move(staged, target, overwrite: true);
                    moved.Add(target);
                }
            }
            catch
            {
                // Partial output is worse than none.
                moved.ForEach(File.Delete);
                throw;
            }

            Directory.Delete(StagingFolder, recursive: true);
        }

        committed = true;
    }

    /// <summary>Deletes the staged files unless they were committed.</summary>
    public void Dispose()
    {
        if (!committed && Directory.Exists(StagingFolder))
        {
            Directory.Delete(StagingFolder, recursive: true);
        }

        committed = true;
    }

    private static string CreateHidden(string parent, string name)
    {
        var path = Path.Combine(parent, $".{name}.rtn-{Guid.NewGuid():N}");
        Directory.CreateDirectory(path);
        return path;
    }
}
