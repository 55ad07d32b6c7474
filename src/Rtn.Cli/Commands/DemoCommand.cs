using System.CommandLine;
using Rtn.Cli.Pipeline.Planning;
using Rtn.Cli.Rendering;
using Rtn.Cli.Samples;

namespace Rtn.Cli.Commands;

/// <summary>
/// <c>rtn demo</c> (and plain <c>rtn</c>): quantizes a small sample model end to end in a
/// temporary folder and shows what RTN does to it. Hidden option: <c>--make-checkpoint PATH</c>
/// writes a large BF16 file for timing <c>rtn quantize</c>.
/// </summary>
internal static class DemoCommand
{
    public static Command Create(ToolConsole console, Interruption interruption)
    {
        var bits = CommonOptions.Bits("Quantize the sample with this many bits only (default: 8 and 4).");
        var groupSize = CommonOptions.GroupSize($"Input columns per scale. Default: ${RtnConfig.GroupSizeVariable}, else 128.");
        var layers = NumberOptions.Between(new Option<int>("--layers") { Description = "Transformer blocks in the sample model.", DefaultValueFactory = _ => 4 }, 2, 64);
        var hidden = NumberOptions.Integer(
            new Option<int>("--hidden") { Hidden = true, Description = "Hidden size of the sample model (MLP 3×, vocabulary 4×).", DefaultValueFactory = _ => 512 },
            size => size is > 0 and <= 8192 && size % 64 == 0,
            "a positive multiple of 64, at most 8192");
        var keep = new Option<bool>("--keep") { Description = "Keep the temporary folder instead of deleting it." };
        var threads = CommonOptions.Threads();
        var makeCheckpoint = new Option<string?>("--make-checkpoint") { Hidden = true, Description = "Write a BF16 checkpoint of --matrices matrices [--rows, --columns] to this path and exit." };
        var matrices = NumberOptions.Positive(new Option<int>("--matrices") { Hidden = true, DefaultValueFactory = _ => 32 });
        var rows = NumberOptions.Positive(new Option<int>("--rows") { Hidden = true, DefaultValueFactory = _ => 4096 });
        var columns = NumberOptions.Positive(new Option<int>("--columns") { Hidden = true, DefaultValueFactory = _ => 4096 });

        var command = new Command("demo", "Build a small sample model in a temporary folder, quantize it, measure the error and run one quantized layer (what plain 'rtn' runs).")
        {
            bits, groupSize, layers, hidden, keep, threads, makeCheckpoint, matrices, rows, columns,
        };
        command.SetAction(parse => CommandAction.Run(console, interruption, () =>
        {
            if (parse.GetValue(makeCheckpoint) is { } path)
            {
                SampleModel.WriteCheckpoint(path, parse.GetValue(matrices), parse.GetValue(rows), parse.GetValue(columns), seed: 1);
                console.Line($"Wrote {path}: {parse.GetValue(matrices)} BF16 matrices [{parse.GetValue(rows)}, {parse.GetValue(columns)}].");
                return ExitCodes.Success;
            }

            var groups = CommonOptions.ResolveConfig(8, parse.GetValue(groupSize), console).GroupSize;
            RtnConfig[] configs = parse.GetValue(bits) is { } b ? [new RtnConfig(b, groups)] : [new RtnConfig(8, groups), new RtnConfig(4, groups)];
            var folder = Path.Combine(Path.GetTempPath(), $"rtn-demo-{Guid.NewGuid():N}");
            try
            {
                var scenario = new DemoScenario(folder, SampleModelSpec.Scaled(parse.GetValue(layers), parse.GetValue(hidden)), configs, new KernelOptions { MaxThreads = parse.GetValue(threads) });
                Show(console, scenario.Run(console.Line, console.Warning, interruption.Observe()));
            }
            finally
            {
                if (parse.GetValue(keep) && interruption.Signal is null)
                {
                    console.Line($"Kept {folder}.");
                }
                else if (Directory.Exists(folder))
                {
                    Directory.Delete(folder, recursive: true);
                }
            }

            return ExitCodes.Success;
        }));
        return command;
    }

    private static void Show(ToolConsole console, DemoResult result)
    {
        var spec = result.Spec;
        console.Line();
        console.Heading("Sample model");
        console.Line(
            $"{spec.Layers} Llama-style blocks: hidden {spec.Hidden}, MLP {spec.Intermediate}, {spec.Heads} heads ({spec.KeyValueHeads} KV), vocabulary {spec.Vocabulary}; "
            + $"{Units.Count(result.Parameters)} BF16 parameters ({Units.Bytes(result.OriginalBytes)}) in 2 shards with an index. "
            + "Weights ~ N(0, 0.02) with 0.5% of input channels 6× larger (outliers); embeddings, lm_head and norms stay in BF16.");

        var checkpoints = new ReportTable(
            "Quantized checkpoints (rtn quantize + rtn eval over all quantized weights)",
            new ReportColumn("Scheme"),
            new ReportColumn("Quantized", Numeric: true),
            new ReportColumn("Size", Numeric: true),
            new ReportColumn("vs BF16", Numeric: true),
            new ReportColumn("Time", Numeric: true),
            new ReportColumn("SQNR dB", Numeric: true),
            new ReportColumn("Rel. error", Numeric: true),
            new ReportColumn("Max abs error", Numeric: true));
        foreach (var checkpoint in result.Checkpoints)
        {
            var output = checkpoint.Quantized.Output;
            var total = checkpoint.Comparison.Total;
            checkpoints.AddRow(
                checkpoint.Config.Name,
                Units.Count(checkpoint.Quantized.Plans.Count(p => p.Action == TensorAction.Quantize)),
                Units.Bytes(output.OutputBytes),
                Units.Ratio((double)output.OutputBytes / output.InputBytes),
                Units.Seconds(output.Elapsed),
                Units.Decibels(total.SqnrDb),
                Units.Scientific(total.RelativeError),
                Units.Scientific(total.MaxAbsError));
        }

        console.Table(checkpoints);

        var projections = new ReportTable(
            "Error by projection (all blocks), SQNR dB / relative error",
            [new ReportColumn("Projection"), .. result.Checkpoints.Select(c => new ReportColumn(c.Config.Name, Numeric: true))]);
        var byScheme = result.Checkpoints.Select(c => DemoScenario.ByProjection(c.Comparison).ToDictionary(p => p.Projection, p => p.Error)).ToArray();
        foreach (var projection in byScheme[0].Keys)
        {
            projections.AddRow([projection, .. byScheme.Select(s => $"{Units.Decibels(s[projection].SqnrDb)} / {Units.Scientific(s[projection].RelativeError)}")]);
        }

        console.Table(projections);

        var layer = new ReportTable(
            "Layer 0 gate_up_proj, fused from two partitions (x: 1 token)",
            new ReportColumn("Path"),
            new ReportColumn("Weights"),
            new ReportColumn("Bytes", Numeric: true),
            new ReportColumn("Time/call", Numeric: true),
            new ReportColumn("Rel. error vs dense", Numeric: true));
        foreach (var timing in result.Layer)
        {
            layer.AddRow(timing.Path, timing.Weights, Units.Bytes(timing.WeightBytes), Units.Seconds(timing.SecondsPerCall), Units.Scientific(timing.RelativeError));
        }

        console.Table(layer);
        var specialized = RtnKernels.SpecializedCombinations.Count == 0 ? "generic kernels (no generated combinations loaded)" : $"generated kernels for {string.Join(", ", RtnKernels.SpecializedCombinations.Select(config => config.Name))}";
        console.Line($"Kernels: {specialized}; {VectorTiers.Best}, {Environment.ProcessorCount} core(s).");
    }
}
