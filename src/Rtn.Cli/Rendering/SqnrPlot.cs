using Rtn.Cli.Pipeline.Evaluation;
using ScottPlot;

namespace Rtn.Cli.Rendering;

/// <summary>A bar chart of each tensor's SQNR, in the original checkpoint's order.</summary>
internal static class SqnrPlot
{
    /// <summary>
    /// Checks, before any work, that a PNG can be written at <paramref name="path"/>: the name
    /// ends in .png (the only format drawn) and its folder exists and takes a new file.
    /// </summary>
    /// <exception cref="UsageException">The extension is not .png, or the folder is missing or not writable.</exception>
    public static void CheckTarget(string path)
    {
        if (!string.Equals(Path.GetExtension(path), ".png", StringComparison.OrdinalIgnoreCase))
        {
            throw new UsageException($"--plot {path}: the plot is a PNG image; give a file name ending in .png.");
        }

        var folder = Path.GetDirectoryName(Path.GetFullPath(path))!;
        if (!Directory.Exists(folder))
        {
            throw new UsageException($"--plot {path}: the folder {folder} does not exist.");
        }

        if (Directory.Exists(path))
        {
            throw new UsageException($"--plot {path} is a folder; give a file name ending in .png.");
        }

        try
        {
            using var probe = new FileStream(TempPathFor(path), FileMode.CreateNew, FileAccess.Write, FileShare.None, 1, FileOptions.DeleteOnClose);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new UsageException($"--plot {path}: the folder {folder} does not take new files ({e.Message}).");
        }
    }

    public static void Save(string path, IReadOnlyList<TensorComparison> tensors)
    {
        if (tensors.Count == 0)
        {
            throw new ToolException($"{path}: nothing to plot; every tensor is identical.");
        }

        // An exact tensor has infinite SQNR; it is drawn at the top of the scale instead.
        var finite = tensors.Select(t => t.Error.SqnrDb).Where(double.IsFinite).DefaultIfEmpty(0).ToArray();
        var top = finite.Max() + 10;
        var values = tensors.Select(t => double.IsFinite(t.Error.SqnrDb) ? t.Error.SqnrDb : top).ToArray();

        var plot = new Plot();
        plot.Add.Bars(values);
        plot.Axes.Bottom.SetTicks([.. Enumerable.Range(0, tensors.Count).Select(i => (double)i)], [.. tensors.Select(t => ShortName(t.Name))]);
        plot.Axes.Bottom.TickLabelStyle.Rotation = 90;
        plot.Axes.Bottom.TickLabelStyle.Alignment = Alignment.MiddleLeft;
        var labelSpace = 24 + (8 * tensors.Max(t => ShortName(t.Name).Length));
        plot.Axes.Bottom.MinimumSize = labelSpace;
        plot.Axes.Margins(bottom: 0);
        plot.YLabel("SQNR (dB)");
        plot.Title($"Per-tensor SQNR ({tensors.Count} tensors; higher is better)");
        // Drawn beside the target and renamed over it, so a failed write leaves no half image.
        var temp = TempPathFor(path);
        try
        {
            plot.SavePng(temp, Math.Max(800, 80 + (16 * tensors.Count)), 420 + labelSpace);
            File.Move(temp, path, overwrite: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            File.Delete(temp);
            throw new ToolException($"{path}: the plot could not be written: {e.Message}", e);
        }
    }

    private static string TempPathFor(string path) =>
        Path.Combine(Path.GetDirectoryName(Path.GetFullPath(path))!, $".{Path.GetFileName(path)}.rtn-{Environment.ProcessId}-{Guid.NewGuid():N}.png");

    // Tick labels run vertically; the common "model." prefix only takes room.
    private static string ShortName(string name) => name.StartsWith("model.", StringComparison.Ordinal) ? name["model.".Length..] : name;
}
