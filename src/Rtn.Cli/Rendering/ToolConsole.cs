using Rtn.Cli.Pipeline;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace Rtn.Cli.Rendering;

/// <summary>
/// Where the tool writes. On a terminal it draws Spectre tables and progress bars; when output
/// is redirected (a pipe, a log, a test) it writes plain lines that read well in a file.
/// Results and tables go to the output stream; progress, warnings and errors go to the error
/// stream, so a piped output holds only results.
/// </summary>
internal sealed class ToolConsole
{
    private readonly IAnsiConsole? rich;

    public ToolConsole(TextWriter output, TextWriter error, bool rich, Func<string, string?> environment)
    {
        Out = output;
        Error = error;
        Environment = environment;
        this.rich = rich ? AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(output) }) : null;
    }

    /// <summary>The standard streams and environment; rich output only when stdout is a terminal.</summary>
    public static ToolConsole ForProcess() =>
        new(Console.Out, Console.Error, rich: !Console.IsOutputRedirected, System.Environment.GetEnvironmentVariable);

    public TextWriter Out { get; }

    public TextWriter Error { get; }

    /// <summary>Reads environment variables (RTN_NUM_BITS, RTN_GROUP_SIZE); tests substitute their own.</summary>
    public Func<string, string?> Environment { get; }

    public void Line(string text = "")
    {
        if (rich is not null)
        {
            rich.WriteLine(text);
        }
        else
        {
            Out.WriteLine(text);
        }
    }

    public void Heading(string text)
    {
        if (rich is not null)
        {
            rich.Write(new Rule($"[bold]{Markup.Escape(text)}[/]") { Justification = Justify.Left });
        }
        else
        {
            Out.WriteLine(text);
        }
    }

    public void Warning(string text) => Error.WriteLine($"warning: {text}");

    public void Failure(string text) => Error.WriteLine($"error: {text}");

    public void Table(ReportTable table)
    {
        if (rich is null)
        {
            Out.Write(PlainTable.Render(table));
            return;
        }

        var grid = new Table { Border = TableBorder.Rounded, Title = new TableTitle(Markup.Escape(table.Title)) };
        for (var i = 0; i < table.Columns.Count; i++)
        {
            var column = new TableColumn(new Text(table.Columns[i].Header, new Style(decoration: Decoration.Bold)));
            if (table.Columns[i].Numeric)
            {
                column.RightAligned();
            }

            if (table.Totals is { } totals)
            {
                column.Footer = new Text(totals[i], new Style(decoration: Decoration.Bold));
            }

            grid.AddColumn(column);
        }

        grid.ShowFooters = table.Totals is not null;
        foreach (var row in table.Rows)
        {
            grid.AddRow(row.Select(cell => (IRenderable)new Text(cell)));
        }

        rich.Write(grid);
    }

    /// <summary>
    /// Runs <paramref name="work"/>, showing its progress: a bar on a terminal, one line per item otherwise.
    /// </summary>
    public T WithProgress<T>(string title, Func<IProgress<ProgressUpdate>, T> work)
    {
        if (rich is null)
        {
            return work(new PlainProgress(Error));
        }

        return rich.Progress()
            .AutoClear(true)
            .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn(), new SpinnerColumn())
            .Start(context =>
            {
                var task = context.AddTask(Markup.Escape(title), maxValue: 1);
                var result = work(new BarProgress(task, title));
                task.Value = task.MaxValue;
                return result;
            });
    }

    /// <summary>Writes "[3/12] name" when a new item starts.</summary>
    private sealed class PlainProgress(TextWriter output) : IProgress<ProgressUpdate>
    {
        private (int Index, string Item) last = (-1, string.Empty);

        public void Report(ProgressUpdate value)
        {
            if (value.Index == last.Index && value.Item == last.Item)
            {
                return;
            }

            last = (value.Index, value.Item);
            output.WriteLine($"[{value.Index + 1}/{value.Count}] {value.Item}");
        }
    }

    private sealed class BarProgress(ProgressTask task, string title) : IProgress<ProgressUpdate>
    {
        public void Report(ProgressUpdate value)
        {
            task.MaxValue = Math.Max(1, value.Total);
            task.Value = value.Done;
            task.Description = Markup.Escape($"{title} [{value.Index + 1}/{value.Count}] {Shorten(value.Item)}");
        }

        private static string Shorten(string item) => item.Length <= 48 ? item : "…" + item[^47..];
    }
}
