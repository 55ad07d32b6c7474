namespace Rtn.Cli.Rendering;

/// <summary>A column of a <see cref="ReportTable"/>; numeric columns are right-aligned.</summary>
internal readonly record struct ReportColumn(string Header, bool Numeric = false);

/// <summary>
/// Results a command wants shown as a table. Commands build these; <see cref="ToolConsole"/>
/// draws them as a Spectre table on a terminal or as aligned text when output is redirected,
/// so what a command reports never depends on where it is shown.
/// </summary>
internal sealed class ReportTable
{
    private readonly List<string[]> rows = [];

    public ReportTable(string title, params ReportColumn[] columns)
    {
        Title = title;
        Columns = columns;
    }

    public string Title { get; }

    public IReadOnlyList<ReportColumn> Columns { get; }

    public IReadOnlyList<string[]> Rows => rows;

    /// <summary>A closing row (totals), drawn below a rule; null when there is none.</summary>
    public string[]? Totals { get; private set; }

    public void AddRow(params string[] cells) => rows.Add(Checked(cells));

    public void SetTotals(params string[] cells) => Totals = Checked(cells);

    private string[] Checked(string[] cells) =>
        cells.Length == Columns.Count
            ? cells
            : throw new ArgumentException($"Table '{Title}' has {Columns.Count} columns, but a row has {cells.Length} cells.", nameof(cells));
}
