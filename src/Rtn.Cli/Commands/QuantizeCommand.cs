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
        var saveFormat = new Option<string>("--save-format")
        {
            Description = "Checkpoint layout: compressed-tensors (pack-quantized, served by vLLM and transformers), mlx (affine, served by mlx-lm; 4 or 8 bits, group size 32, 64 or 128) "
                + "or rtn (P.weight codes + P.scale, this tool's own layout). The codes and scales are the same in all three.",
            HelpName = "compressed-tensors|mlx|rtn",
            DefaultValueFactory = _ => SaveFormats.CompressedTensorsName,
        }.AcceptOnlyFromAmong(SaveFormats.CompressedTensorsName, SaveFormats.MlxName, SaveFormats.RtnName);
        var format = CommonOptions.Format("Byte layout of --save-format rtn only: signed (int8 codes, vLLM's rtn_quantize) or offset (uint8 codes + 2^(bits-1): Marlin uint4b8, ONNX MatMulNBits).");
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
            Description = "Other bits (and group size) for weights whose names match REGEX, e.g. 'down_proj=8' or 'experts=4:64' (repeatable; the first match wins). For compressed-tensors, q/k/v and gate/up projections must share one scheme, as vLLM fuses them.",
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
            input, output, bits, groupSize, saveFormat, format, skip, noDefaultSkip, overrides, skipUnfit, threads, force,
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
            var save = SaveFormats.Parse(parse.GetValue(saveFormat)) ?? SaveFormat.CompressedTensors;
            if (save != SaveFormat.Rtn && parse.GetResult(format) is { Implicit: false })
            {
                throw new UsageException($"--format applies to --save-format rtn only; {save.Name()} always stores codes + 2^(bits-1).");
            }

            if (save == SaveFormat.Mlx)
            {
                RequireMlxGroupSizes(scheme);
            }

            var settings = new QuantizeSettings(scheme, skipRules, parse.GetValue(skipUnfit), new KernelOptions { MaxThreads = parse.GetValue(threads) }, save);
            var outputOptions = new OutputOptions(parse.GetValue(force), interruption.Observe());
            var result = console.WithProgress("Quantizing", progress => new ModelQuantizer(settings).Run(inputPath, outputPath, console.Warning, progress, outputOptions));
            Report(console, scheme, save, inputPath, result);
            return ExitCodes.Success;
        }));
        return command;
    }

    /// <exception cref="UsageException">A group size MLX has no kernels for; the message names the option.</exception>
    private static void RequireMlxGroupSizes(QuantizationScheme scheme)
    {
        foreach (var (source, config) in scheme.Overrides.Select(o => ($"--override '{o}'", o.ConfigFor(scheme.Defaults))).Prepend(("--group-size", scheme.Defaults)))
        {
            if (!MlxConfigBuilder.GroupSizes.Contains(config.GroupSize))
            {
                throw new UsageException($"{source} gives group size {config.GroupSize}, but MLX quantizes with group size 32, 64 or 128 only.");
            }
        }
    }

    private static void Report(ToolConsole console, QuantizationScheme scheme, SaveFormat save, string input, QuantizeResult result)
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
            table.AddRow(group.Key, Units.Count(group.Count()), Units.Bytes(inputBytes), Units.Bytes(group.Sum(p => OutputBytes(p, save))));
        }

        table.SetTotals("total", Units.Count(result.Plans.Count), Units.Bytes(result.Output.InputBytes), Units.Bytes(result.Output.OutputBytes));
        console.Table(table);

        var overrides = scheme.Overrides.Count == 0 ? string.Empty : $", overrides {string.Join(", ", scheme.Overrides)}";
        var layout = save == SaveFormat.Rtn ? $"rtn {QuantizationMetadata.FormatName(scheme.Format)}" : save.Name();
        console.Line($"Scheme {scheme.Defaults.Name}, saved as {layout}{overrides}.");
        console.Line($"Wrote {result.Output.Files.Count} file(s) in {Units.Seconds(result.Output.Elapsed)} ({Units.Throughput(result.Output.InputBytes, result.Output.Elapsed.TotalSeconds)} of input): {string.Join(", ", result.Output.Files.Select(Path.GetFileName))}");
    }

    private static string GroupName(TensorPlan plan) =>
        plan.Action == TensorAction.Quantize ? $"quantized {plan.Config!.Name}" : $"copied ({plan.Reason})";

    private static long OutputBytes(TensorPlan plan, SaveFormat save)
    {
        if (plan.Action != TensorAction.Quantize)
        {
            return plan.Tensor.ByteLength;
        }

        return QuantizedOutputs.Declare(save, RtnFormat.Signed, plan.Tensor.Name, plan.Tensor.DType, plan.Config!, plan.Shape).Sum(d => d.ByteLength);
    }
}
