using Rtn.Cli.Pipeline.Evaluation;
using ScottPlot;

namespace Rtn.Cli.Rendering;

/// <summary>A bar chart of each tensor's SQNR, in the original checkpoint's order.</summary>
internal static class SqnrPlot
{
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
        try
        {
            plot.SavePng(path, Math.Max(800, 80 + (16 * tensors.Count)), 420 + labelSpace);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ToolException($"{path}: the plot could not be written: {e.Message}", e);
        }
    }

    // Tick labels run vertically; the common "model." prefix only takes room.
    private static string ShortName(string name) => name.StartsWith("model.", StringComparison.Ordinal) ? name["model.".Length..] : name;
}
