using System.CommandLine;
using System.Text.Encodings.Web;
using System.Text.Json;
using Rtn.Cli.Diagnostics.Benchmarks;
using Rtn.Cli.Rendering;

namespace Rtn.Cli.Commands;

/// <summary>
/// <c>rtn bench</c>: the kernels' throughput next to a copy (or, for the CPU's product, a read) of the same bytes, on the CPU
/// (the managed kernels) or on an ILGPU accelerator (<c>--device gpu</c>).
/// </summary>
internal static partial class BenchCommand
{
    private const int DefaultSide = 4096;

    // Relaxed escaping keeps device names and notes readable; the output is never embedded in HTML.
    private static readonly JsonSerializerOptions JsonOptions = new() { WriteIndented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static Command Create(ToolConsole console)
    {
        var device = new Option<string>("--device")
        {
            Description = "cpu: the managed kernels; gpu: the ILGPU kernels on the accelerator --backend picks.",
            HelpName = "cpu|gpu",
            DefaultValueFactory = _ => "cpu",
        }.AcceptOnlyFromAmong("cpu", "gpu");
        var bits = CommonOptions.Bits($"Bits per weight. {CommonOptions.DefaultsNote}");
        var groupSize = CommonOptions.GroupSize("Input columns per scale, or -1 for one scale per row.");
        var format = CommonOptions.Format("Byte layout of the codes.");
        var dtype = CommonOptions.DType("Element type of weights, scales and activations.");
        var rows = NumberOptions.Positive(new Option<int?>("--rows")
        {
            HelpName = "N",
            Description = $"Rows of the matrix. Default: {DefaultSide}; with --device gpu, {Describe(GpuBenchmark.DeviceShapes)} "
                + $"({Describe(GpuBenchmark.CpuAcceleratorShapes)} on ILGPU's CPU accelerator) unless --rows or --columns is given.",
        });
        var columns = NumberOptions.Positive(new Option<int?>("--columns")
        {
            HelpName = "N",
            Description = $"Columns of the matrix. Default: {DefaultSide}.",
        });
        var size = NumberOptions.Positive(new Option<int>("--size-mib")
        {
            Description = "cpu: MiB of matrices to rotate through, dense ones for quantize and dequantize and quantized ones for the product; keep it well above the last-level cache so data comes from memory.",
            DefaultValueFactory = _ => 512,
        });
        var seconds = NumberOptions.PositiveUpTo(new Option<double>("--seconds") { Description = "cpu: least time per measurement.", DefaultValueFactory = _ => 1.0 }, 600);
        var threads = CommonOptions.Threads();
        var backend = CommonOptions.Backend();
        var m = NumberOptions.Integer(
            new Option<int>("--m")
            {
                HelpName = "N",
                Description = "gpu: activation rows of the batched product; the matrix-vector product (m = 1) always runs too.",
                DefaultValueFactory = _ => 16,
            },
            rows => rows >= 2,
            "at least 2 (m = 1 always runs)");
        var activations = new Option<string>("--activations")
        {
            Description = "cpu: the product's activations: exact (as they are), int8 (rounded to int8 per group, MatMulPrecision.Int8Activations), or both.",
            HelpName = "exact|int8|both",
            DefaultValueFactory = _ => "both",
        }.AcceptOnlyFromAmong("exact", "int8", "both");
        var iterations = NumberOptions.Positive(new Option<int?>("--iterations") { HelpName = "N", Description = "gpu: timed calls per measurement. Default: 20 (2 on ILGPU's CPU accelerator)." });
        var json = new Option<bool>("--json") { Description = "Print the results as JSON." };
        var command = new Command(
            "bench",
            "Measure the kernels (quantize, dequantize, matmul) against a copy (a read, for the product on the CPU) of the same bytes: the managed kernels on the CPU, or the ILGPU kernels with --device gpu.")
        {
            device, bits, groupSize, format, dtype, rows, columns, size, seconds, threads, activations, backend, m, iterations, json,
        };
        command.SetAction(parse => CommandAction.Run(console, () =>
        {
            var onGpu = parse.GetValue(device) == "gpu";
            RejectOptionsOfTheOtherDevice(parse, onGpu ? "gpu" : "cpu", onGpu ? [size, seconds, threads, activations] : [backend, m, iterations]);
            var config = CommonOptions.ResolveConfig(parse.GetValue(bits), parse.GetValue(groupSize), console);
            var (rowCount, columnCount) = (parse.GetValue(rows), parse.GetValue(columns));
            var shape = (Rows: rowCount ?? DefaultSide, Columns: columnCount ?? DefaultSide);
            (int Rows, int Columns)[]? shapes = onGpu && rowCount is null && columnCount is null ? null : [shape];
            foreach (var (r, c) in shapes ?? [.. GpuBenchmark.DeviceShapes, .. GpuBenchmark.CpuAcceleratorShapes])
            {
                Validate(config, r, c);
            }

            var (codeFormat, elementType, asJson) = (CommonOptions.FormatOf(parse.GetValue(format)), CommonOptions.DTypeOf(parse.GetValue(dtype)), parse.GetValue(json));
            if (onGpu)
            {
                var settings = new GpuBenchSettings(
                    config, codeFormat, elementType, shapes, parse.GetValue(m), parse.GetValue(iterations), CommonOptions.BackendOf(parse.GetValue(backend)));
                ReportGpu(console, GpuBenchmark.Run(settings, asJson ? null : console.Line), asJson);
            }
            else
            {
                var settings = new CpuBenchSettings(
                    config, codeFormat, elementType, shape.Rows, shape.Columns,
                    (long)parse.GetValue(size) << 20, parse.GetValue(seconds), parse.GetValue(threads), Precisions(parse.GetValue(activations)));
                ReportCpu(console, CpuBenchmark.Run(settings, asJson ? null : console.Line), asJson);
            }

            return ExitCodes.Success;
        }));
        return command;
    }

    private static MatMulPrecision[] Precisions(string? activations) => activations switch
    {
        "exact" => [MatMulPrecision.Exact],
        "int8" => [MatMulPrecision.Int8Activations],
        _ => [MatMulPrecision.Exact, MatMulPrecision.Int8Activations],
    };

    private static void Validate(RtnConfig config, int rows, int columns)
    {
        try
        {
            config.Validate(WeightShape.Matrix(rows, columns));
        }
        catch (ArgumentException e)
        {
            throw new UsageException(Messages.Clean(e));
        }
    }

    /// <summary>An option meant for the other device, given explicitly, is a mistake worth naming rather than ignoring.</summary>
    private static void RejectOptionsOfTheOtherDevice(ParseResult parse, string device, IEnumerable<Option> options)
    {
        if (options.FirstOrDefault(option => parse.GetResult(option) is { Implicit: false }) is { } given)
        {
            throw new UsageException($"{given.Name} does not apply to --device {device}.");
        }
    }

    private static string Describe(IEnumerable<(int Rows, int Columns)> shapes) =>
        string.Join(" and ", shapes.Select(s => $"{s.Rows}×{s.Columns}"));
}
