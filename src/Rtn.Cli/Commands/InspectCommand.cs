using System.CommandLine;
using Rtn.Cli.Pipeline.Formats;
using Rtn.Cli.Rendering;
using Rtn.Safetensors;

namespace Rtn.Cli.Commands;

/// <summary><c>rtn inspect FILE</c>: what a checkpoint holds and how it was quantized.</summary>
internal static class InspectCommand
{
    public static Command Create(ToolConsole console)
    {
        var input = new Argument<string>("FILE") { Description = "A .safetensors file, an index, or a model folder." };
        var command = new Command("inspect", "List a checkpoint's tensors (dtype, shape, size) and its quantization metadata.") { input };
        command.SetAction(parse => CommandAction.Run(console, () =>
        {
            var path = parse.GetValue(input)!;
            using var checkpoint = SafetensorsCheckpoint.Open(path);
            Show(console, path, checkpoint);
            return ExitCodes.Success;
        }));
        return command;
    }

    private static void Show(ToolConsole console, string path, SafetensorsCheckpoint checkpoint)
    {
        var quantized = QuantizedCheckpoint.ReadAll(checkpoint, path).Values.ToDictionary(q => q.Weight.Name, StringComparer.Ordinal);
        var scales = quantized.Values.SelectMany(q => q.Parts.Skip(1).Select(part => (Part: part.Name, q.Name))).ToDictionary(p => p.Part, p => p.Name, StringComparer.Ordinal);
        var sharded = checkpoint.Files.Count > 1;

        var metadata = checkpoint.Files.SelectMany(f => f.Metadata).DistinctBy(entry => entry.Key).OrderBy(entry => entry.Key, StringComparer.Ordinal).ToArray();
        if (metadata.Length > 0)
        {
            var table = new ReportTable($"{path}: metadata", new ReportColumn("Key"), new ReportColumn("Value"));
            foreach (var (key, value) in metadata)
            {
                table.AddRow(key, value);
            }

            console.Table(table);
        }

        var columns = new List<ReportColumn> { new("Tensor"), new("DType"), new("Shape"), new("Size", Numeric: true), new("RTN") };
        if (sharded)
        {
            columns.Add(new("File"));
        }

        var tensors = new ReportTable($"{path}: {checkpoint.Tensors.Count} tensors in {checkpoint.Files.Count} file(s)", [.. columns]);
        foreach (var (file, tensor) in checkpoint.Tensors)
        {
            var rtn = quantized.TryGetValue(tensor.Name, out var q)
                ? $"{q.Storage}, weight {Units.Shape(q.LogicalShape)} {q.Scale.DType.HeaderName()}"
                : scales.TryGetValue(tensor.Name, out var weight) ? $"{PartName(tensor.Name)} of {weight}" : string.Empty;
            var cells = new List<string> { tensor.Name, tensor.DType.HeaderName(), Units.Shape(tensor.Shape), Units.Bytes(tensor.ByteLength), rtn };
            if (sharded)
            {
                cells.Add(Path.GetFileName(file.Path));
            }

            tensors.AddRow([.. cells]);
        }

        var totals = new List<string>
        {
            "total", string.Empty, string.Empty, Units.Bytes(checkpoint.Tensors.Sum(t => t.Tensor.ByteLength)),
            quantized.Count == 0 ? "not quantized" : $"{quantized.Count} quantized weight(s)",
        };
        if (sharded)
        {
            totals.Add(string.Empty);
        }

        tensors.SetTotals([.. totals]);
        console.Table(tensors);
    }

    private static string PartName(string tensor) =>
        tensor.EndsWith(CompressedTensorsWeight.ShapeSuffix, StringComparison.Ordinal) ? "shape"
        : tensor.EndsWith(QuantizedOutputs.MlxBiasesSuffix, StringComparison.Ordinal) ? "biases"
        : "scales";
}
