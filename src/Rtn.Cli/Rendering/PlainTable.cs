using System.Text;

namespace Rtn.Cli.Rendering;

/// <summary>Renders a <see cref="ReportTable"/> as aligned plain text, for logs and pipes.</summary>
internal static class PlainTable
{
    private const string Gap = "  ";

    public static string Render(ReportTable table)
    {
        var lines = new List<string[]> { table.Columns.Select(c => c.Header).ToArray() };
        lines.AddRange(table.Rows);
        if (table.Totals is { } totals)
        {
            lines.Add(totals);
        }

        var widths = table.Columns.Select((_, i) => lines.Max(line => line[i].Length)).ToArray();
        var rule = string.Join(Gap, widths.Select(w => new string('-', w)));
        var text = new StringBuilder();
        text.AppendLine(table.Title);
        text.AppendLine(Format(lines[0], table, widths));
        text.AppendLine(rule);
        foreach (var row in table.Rows)
        {
            text.AppendLine(Format(row, table, widths));
        }

        if (table.Totals is not null)
        {
            text.AppendLine(rule);
            text.AppendLine(Format(table.Totals, table, widths));
        }

        return text.ToString();
    }

    private static string Format(string[] cells, ReportTable table, int[] widths) =>
        string.Join(Gap, cells.Select((cell, i) => table.Columns[i].Numeric ? cell.PadLeft(widths[i]) : cell.PadRight(widths[i]))).TrimEnd();
}
