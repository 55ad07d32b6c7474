using System.CommandLine;
using Rtn.Cli.Pipeline.Formats;
using Rtn.Cli.Pipeline.Jobs;
using Rtn.Cli.Pipeline.Planning;
using Rtn.Cli.Rendering;

namespace Rtn.Cli.Commands;

/// <summary><c>rtn quantize INPUT -o OUTPUT</c>: a checkpoint's weights to RTN int4/int8.</summary>
internal static class QuantizeCommand
{
    public static Command Create(ToolConsole console, Interruption interruption)
    {
        var input = new Argument<string>("INPUT") { Description = "A .safetensors file, or a model folder (single file or sharded with model.safetensors.index.json)." };
        var output = new Option<string>("--output", "-o")
        {
            HelpName = "OUTPUT",
            Description = "Where to write: a file for a file input, a folder for a folder input. An existing one is replaced only with --force.",
            Required = true,
        };
        var bits = CommonOptions.Bits($"Bits per weight. {CommonOptions.DefaultsNote}");
        var groupSize = CommonOptions.GroupSize("Input columns per scale, or -1 for one scale per row.");
        var format = CommonOptions.Format("Byte layout: signed (int8 codes, vLLM's rtn_quantize) or offset (uint8 codes + 2^(bits-1): Marlin uint4b8, ONNX MatMulNBits).");
        var skip = new Option<string[]>("--skip")
        {
            Description = "Also copy unchanged the weights whose names match this regular expression (repeatable). Skipped by default: "
                + string.Join("; ", SkipRule.Defaults.Select(rule => $"{rule.Description} /{rule.Pattern}/")) + ".",
            HelpName = "REGEX",
            AllowMultipleArgumentsPerToken = false,
        };
        skip.Validators.Add(result =>
        {
            foreach (var pattern in result.GetValue(skip) ?? [])
            {
                try
                {
                    TensorPatterns.Compile(pattern, $"--skip '{pattern}'");
                }
                catch (FormatException e)
                {
                    result.AddError(e.Message);
                }
            }
        });
        var noDefaultSkip = new Option<bool>("--no-default-skip") { Description = "Quantize embeddings, output head, norms and routers too, if they are 2-D or 3-D weights." };
        var overrides = new Option<string[]>("--override")
        {
            Description = "Other bits (and group size) for weights whose names match REGEX, e.g. 'down_proj=8' or 'experts=4:64' (repeatable; the first match wins).",
            HelpName = "REGEX=BITS[:GROUP]",
            AllowMultipleArgumentsPerToken = false,
        };
        overrides.Validators.Add(result =>
        {
            foreach (var text in result.GetValue(overrides) ?? [])
            {
                try
                {
                    QuantizationOverride.Parse(text);
                }
                catch (FormatException e)
                {
                    result.AddError(e.Message);
                }
            }
        });
        var skipUnfit = new Option<bool>("--skip-unfit")
        {
            Description = "Copy unchanged, with a warning, the weights whose shape does not fit their configuration (columns not a multiple of the group size, or odd sizes at 4 bits). Without it they are an error.",
        };
        var threads = CommonOptions.Threads();
        var force = CommonOptions.Force();

        var command = new Command("quantize", "Quantize a safetensors checkpoint to RTN int4/int8, tensor by tensor.")
        {
            input, output, bits, groupSize, format, skip, noDefaultSkip, overrides, skipUnfit, threads, force,
        };
        command.SetAction(parse => CommandAction.Run(console, interruption, () =>
        {
            var (inputPath, outputPath) = (parse.GetValue(input)!, parse.GetValue(output)!);
            CommonOptions.CheckOutputPath(inputPath, outputPath);
            var scheme = new QuantizationScheme(
                CommonOptions.ResolveConfig(parse.GetValue(bits), parse.GetValue(groupSize), console),
                CommonOptions.FormatOf(parse.GetValue(format)),
                [.. (parse.GetValue(overrides) ?? []).Select(QuantizationOverride.Parse)]);
            IReadOnlyList<SkipRule> skipRules =
            [
                .. parse.GetValue(noDefaultSkip) ? [] : SkipRule.Defaults,
                .. (parse.GetValue(skip) ?? []).Select(pattern => new SkipRule($"--skip {pattern}", pattern)),
            ];
            var settings = new QuantizeSettings(scheme, skipRules, parse.GetValue(skipUnfit), new KernelOptions { MaxThreads = parse.GetValue(threads) });
            var outputOptions = new OutputOptions(parse.GetValue(force), interruption.Observe());
            var result = console.WithProgress("Quantizing", progress => new ModelQuantizer(settings).Run(inputPath, outputPath, console.Warning, progress, outputOptions));
            Report(console, scheme, inputPath, result);
            return ExitCodes.Success;
        }));
        return command;
    }

    private static void Report(ToolConsole console, QuantizationScheme scheme, string input, QuantizeResult result)
    {
        var table = new ReportTable(
            $"{input} → {result.Output.OutputPath}",
            new ReportColumn("Tensors"),
            new ReportColumn("Count", Numeric: true),
            new ReportColumn("Input", Numeric: true),
            new ReportColumn("Output", Numeric: true));

        foreach (var group in result.Plans.GroupBy(GroupName).OrderBy(g => g.First().Action).ThenBy(g => g.Key, StringComparer.Ordinal))
        {
            var inputBytes = group.Sum(p => p.Tensor.ByteLength);
            table.AddRow(group.Key, Units.Count(group.Count()), Units.Bytes(inputBytes), Units.Bytes(group.Sum(OutputBytes)));
        }

        table.SetTotals("total", Units.Count(result.Plans.Count), Units.Bytes(result.Output.InputBytes), Units.Bytes(result.Output.OutputBytes));
        console.Table(table);

        var overrides = scheme.Overrides.Count == 0 ? string.Empty : $", overrides {string.Join(", ", scheme.Overrides)}";
        console.Line($"Scheme {scheme.Defaults.Name} {QuantizationMetadata.FormatName(scheme.Format)}{overrides}.");
        console.Line($"Wrote {result.Output.Files.Count} file(s) in {Units.Seconds(result.Output.Elapsed)} ({Units.Throughput(result.Output.InputBytes, result.Output.Elapsed.TotalSeconds)} of input): {string.Join(", ", result.Output.Files.Select(Path.GetFileName))}");
    }

    private static string GroupName(TensorPlan plan) =>
        plan.Action == TensorAction.Quantize ? $"quantized {plan.Config!.Name}" : $"copied ({plan.Reason})";

    private static long OutputBytes(TensorPlan plan)
    {
        if (plan.Action != TensorAction.Quantize)
        {
            return plan.Tensor.ByteLength;
        }

        var scaleBytes = (long)QuantizedWeight.ScaleCount(plan.Config!, plan.Shape) * (plan.Tensor.ByteLength / plan.Shape.LongElementCount);
        return (plan.Shape.LongElementCount * plan.Config!.Bits / 8) + scaleBytes;
    }
}
