using System.Text.Json.Nodes;
using Rtn.Safetensors;

namespace Rtn.Cli.Tests;

/// <summary>compressed-tensors and MLX checkpoints: their tensors, their config.json, and reading them back.</summary>
public class ServableFormatTests
{
    private static readonly string[] Formats = ["compressed-tensors", "mlx", "rtn"];

    [Theory]
    [InlineData("compressed-tensors", "4")]
    [InlineData("compressed-tensors", "8")]
    [InlineData("mlx", "4")]
    [InlineData("mlx", "8")]
    public void Quantize_ServableFormat_StoresTheReferenceOffsetCodesAsWordsInEveryDtype(string saveFormat, string bits)
    {
        using var temp = new TempFolder();
        var tensors = TestModels.Block();
        TestModels.WriteFile(temp["model.safetensors"], tensors);

        ToolRun.Of("quantize", temp["model.safetensors"], "-o", temp["q.safetensors"], "-b", bits, "-g", "32", "--save-format", saveFormat).ShouldSucceed();

        var config = new RtnConfig(int.Parse(bits), 32);
        using var output = SafetensorsFile.Open(temp["q.safetensors"]);
        foreach (var name in TestModels.QuantizedNames)
        {
            var tensor = tensors.Single(t => t.Name == name);
            var module = name[..^".weight".Length];
            var expected = Reference.Quantize(tensor, config, RtnFormat.Offset);
            var shape = WeightShape.FromDimensions(tensor.Shape);
            var (codes, scale) = saveFormat == "mlx" ? (output[name], output[module + ".scales"]) : (output[module + ".weight_packed"], output[module + ".weight_scale"]);
            long[] words = [.. tensor.Shape[..^1], tensor.Shape[^1] * config.Bits / 32];

            codes.DType.ShouldBe(saveFormat == "mlx" ? SafetensorsDType.U32 : SafetensorsDType.I32);
            codes.Shape.ToArray().ShouldBe(words, name);
            PackedWords.ToOffsetCodes(output.GetBytes(codes), shape.TotalRows, shape.Columns, config.Bits).ShouldBe(expected.Packed, name);
            scale.DType.ShouldBe(tensor.DType);
            scale.Shape.ToArray().ShouldBe(expected.ScaleShape, name);
            output.GetBytes(scale).ToArray().ShouldBe(expected.Scales, name);
            if (saveFormat == "mlx")
            {
                output[module + ".biases"].DType.ShouldBe(tensor.DType);
                TensorValues(output, module + ".biases").ShouldBe(TensorValues(output, module + ".scales").Select(s => -(1 << (config.Bits - 1)) * s).ToArray(), name);
            }
            else
            {
                output.GetValues<long>(output[module + ".weight_shape"]).ToArray().ShouldBe(tensor.Shape, name);
            }
        }
    }

    [Theory]
    [InlineData("compressed-tensors")]
    [InlineData("mlx")]
    [InlineData("rtn")]
    public void Dequantize_EachFormat_GivesTheReferenceDequantizationInEveryDtype(string saveFormat)
    {
        using var temp = new TempFolder();
        var tensors = TestModels.Block();
        TestModels.WriteFolder(temp["model"], tensors);
        ToolRun.Of("quantize", temp["model"], "-o", temp["q"], "-b", "4", "-g", "32", "--save-format", saveFormat).ShouldSucceed();

        ToolRun.Of("dequantize", temp["q"], "-o", temp["d"]).ShouldSucceed().Output.ShouldContain("Dequantized 4 weight(s) and copied 7 other tensor(s)");

        using var output = SafetensorsCheckpoint.Open(temp["d"]);
        output.Tensors.Select(t => t.Tensor.Name).Order(StringComparer.Ordinal).ShouldBe(tensors.Select(t => t.Name).Order(StringComparer.Ordinal));
        foreach (var tensor in tensors)
        {
            var expected = TestModels.QuantizedNames.Contains(tensor.Name)
                ? Reference.Quantize(tensor, new RtnConfig(4, 32), RtnFormat.Offset).Dequantized
                : tensor.Bytes();
            output[tensor.Name].GetBytes().ToArray().ShouldBe(expected, tensor.Name);
        }

        var config = JsonNode.Parse(File.ReadAllText(temp["d/config.json"]))!.AsObject();
        config.ContainsKey("quantization_config").ShouldBeFalse();
        config.ContainsKey("quantization").ShouldBeFalse();
    }

    [Fact]
    public void Eval_DenseAndEachFormat_ReportIdenticalPerTensorErrors()
    {
        using var temp = new TempFolder();
        TestModels.WriteFolder(temp["model"], TestModels.Block());
        foreach (var format in Formats)
        {
            ToolRun.Of("quantize", temp["model"], "-o", temp[format], "-b", "4", "-g", "32", "--override", "down_proj=8", "--save-format", format).ShouldSucceed();
        }

        ToolRun.Of("dequantize", temp["compressed-tensors"], "-o", temp["dense"]).ShouldSucceed();

        var errors = Formats.Append("dense").Select(folder => ErrorRows(ToolRun.Of("eval", temp["model"], temp[folder]).ShouldSucceed().Output)).ToArray();
        errors[0].Count.ShouldBe(4);
        foreach (var other in errors[1..])
        {
            other.ShouldBe(errors[0]);
        }
    }

    [Fact]
    public void Quantize_CompressedTensors_WritesTheQuantizationConfigWithOverridesAndIgnoreList()
    {
        using var temp = new TempFolder();
        TestModels.WriteFolder(temp["model"], TestModels.Block());

        ToolRun.Of("quantize", temp["model"], "-o", temp["q"], "-b", "4", "-g", "32", "--override", "down_proj=8:64").ShouldSucceed();

        var quantization = JsonNode.Parse(File.ReadAllText(temp["q/config.json"]))!["quantization_config"]!.AsObject();
        quantization["quant_method"]!.GetValue<string>().ShouldBe("compressed-tensors");
        quantization["format"]!.GetValue<string>().ShouldBe("pack-quantized");
        quantization["quantization_status"]!.GetValue<string>().ShouldBe("compressed");
        quantization["ignore"]!.AsArray().Select(n => n!.GetValue<string>()).ShouldBe(["model.embed_tokens", "model.layers.0.mlp.gate", "lm_head"]);
        var groups = quantization["config_groups"]!.AsObject();
        groups.Select(g => g.Key).ShouldBe(["group_0", "group_1"]);
        groups["group_0"]!["targets"]!.AsArray().Select(n => n!.GetValue<string>()).ShouldBe(["Linear"]);
        groups["group_1"]!["targets"]!.AsArray().Select(n => n!.GetValue<string>()).ShouldBe([@"re:model\.layers\.0\.mlp\.down_proj$"]);
        var weights = groups["group_0"]!["weights"]!.AsObject();
        weights.Select(w => w.Key).ShouldBe(["actorder", "block_structure", "dynamic", "group_size", "num_bits", "observer", "observer_kwargs", "strategy", "symmetric", "type"]);
        (weights["num_bits"]!.GetValue<int>(), weights["group_size"]!.GetValue<int>(), weights["strategy"]!.GetValue<string>()).ShouldBe((4, 32, "group"));
        (weights["symmetric"]!.GetValue<bool>(), weights["type"]!.GetValue<string>(), weights["dynamic"]!.GetValue<bool>()).ShouldBe((true, "int", false));
        weights["actorder"].ShouldBeNull();
        var overridden = groups["group_1"]!["weights"]!;
        (overridden["num_bits"]!.GetValue<int>(), overridden["group_size"]!.GetValue<int>()).ShouldBe((8, 64));

        var parsed = CompressedTensorsConfig.Parse(quantization.ToJsonString());
        parsed.ConfigFor("model.layers.0.mlp.down_proj").ShouldBe(new RtnConfig(8, 64));
        parsed.ConfigFor("model.layers.0.self_attn.q_proj").ShouldBe(new RtnConfig(4, 32));
        parsed.ConfigFor("lm_head").ShouldBeNull();
    }

    [Fact]
    public void Quantize_CompressedTensorsPerRow_WritesTheChannelStrategyWithoutGroupSize()
    {
        using var temp = new TempFolder();
        TestModels.WriteFolder(temp["model"], TestModels.Block());

        ToolRun.Of("quantize", temp["model"], "-o", temp["q"], "-b", "8", "-g", "-1").ShouldSucceed();

        var weights = JsonNode.Parse(File.ReadAllText(temp["q/config.json"]))!["quantization_config"]!["config_groups"]!["group_0"]!["weights"]!;
        weights["strategy"]!.GetValue<string>().ShouldBe("channel");
        weights["group_size"].ShouldBeNull();
        using var output = SafetensorsCheckpoint.Open(temp["q"]);
        output["model.layers.0.mlp.down_proj.weight_scale"].Tensor.Shape.ToArray().ShouldBe([32L, 1L]);
    }

    [Fact]
    public void Quantize_CompressedTensorsOverrideOfAllQkvParts_AlsoTargetsTheFusedLayer()
    {
        using var temp = new TempFolder();
        TestModels.WriteFolder(temp["model"], [.. TestModels.Block(), TestModels.Random("model.layers.0.self_attn.v_proj.weight", SafetensorsDType.F16, 8, 32)]);

        ToolRun.Of("quantize", temp["model"], "-o", temp["q"], "-b", "4", "-g", "32", "--override", "self_attn=8").ShouldSucceed();

        var targets = JsonNode.Parse(File.ReadAllText(temp["q/config.json"]))!["quantization_config"]!["config_groups"]!["group_1"]!["targets"]!.AsArray().Select(n => n!.GetValue<string>());
        targets.ShouldContain(@"re:model\.layers\.0\.self_attn\.qkv_proj$");
        targets.ShouldContain(@"re:model\.layers\.0\.self_attn\.v_proj$");
    }

    [Fact]
    public void Quantize_Mlx_WritesQuantizationAndItsMirrorWithPerLayerOverrides()
    {
        using var temp = new TempFolder();
        TestModels.WriteFolder(temp["model"], TestModels.Block());

        ToolRun.Of("quantize", temp["model"], "-o", temp["q"], "-b", "4", "-g", "64", "--override", "down_proj=8", "--save-format", "mlx", "--skip-unfit").ShouldSucceed();

        var config = JsonNode.Parse(File.ReadAllText(temp["q/config.json"]))!.AsObject();
        var quantization = config["quantization"]!.AsObject();
        quantization.ToJsonString().ShouldBe(
            """{"group_size":64,"bits":4,"mode":"affine","model.layers.0.mlp.down_proj":{"group_size":64,"bits":8,"mode":"affine"}}""");
        config["quantization_config"]!.ToJsonString().ShouldBe(quantization.ToJsonString());
    }

    [Fact]
    public void Quantize_OverrideSplittingQAndK_FailsWithUsageErrorNamingBoth()
    {
        using var temp = new TempFolder();
        TestModels.WriteFile(temp["model.safetensors"], TestModels.Block());

        var run = ToolRun.Of("quantize", temp["model.safetensors"], "-o", temp["q.safetensors"], "-g", "32", "--override", "q_proj=4");

        run.ExitCode.ShouldBe(ExitCodes.Usage);
        run.Error.ShouldContain("'model.layers.0.self_attn.q_proj.weight' would be quantized as Q4G32 but 'model.layers.0.self_attn.k_proj.weight' quantized as Q8G32");
        run.Error.ShouldContain("model.layers.0.self_attn.qkv_proj");
        File.Exists(temp["q.safetensors"]).ShouldBeFalse();
    }

    [Fact]
    public void Quantize_SkipSplittingQAndK_FailsWithUsageErrorNamingBoth()
    {
        using var temp = new TempFolder();
        TestModels.WriteFile(temp["model.safetensors"], TestModels.Block());

        var run = ToolRun.Of("quantize", temp["model.safetensors"], "-o", temp["q.safetensors"], "-g", "32", "--skip", "k_proj");

        run.ExitCode.ShouldBe(ExitCodes.Usage);
        run.Error.ShouldContain("'model.layers.0.self_attn.q_proj.weight' would be quantized as Q8G32 but 'model.layers.0.self_attn.k_proj.weight' left dense");
    }

    [Fact]
    public void Quantize_OverrideSplittingQAndKInRtnFormat_IsAllowed()
    {
        using var temp = new TempFolder();
        ToolRun.Of("quantize", "--save-format", "rtn", Model(temp), "-o", temp["q.safetensors"], "-g", "32", "--override", "q_proj=4").ShouldSucceed();
    }

    [Fact]
    public void Quantize_GroupSizeAndColumnsMarlinCannotTake_WarnsNamingTensors()
    {
        using var temp = new TempFolder();
        TestModels.WriteFile(temp["model.safetensors"], TestModels.Block());

        var run = ToolRun.Of("quantize", temp["model.safetensors"], "-o", temp["q.safetensors"], "-g", "16").ShouldSucceed();

        run.Error.ShouldContain("group size 16 is not one of vLLM's Marlin group sizes (-1, 32, 64, 128), so vLLM's Marlin kernels will not take 'model.layers.0.self_attn.q_proj.weight' [32, 32]");
        run.Error.ShouldContain("input features (columns) are not a multiple of 128, so vLLM's Marlin kernels will not take");
    }

    [Theory]
    [InlineData("-1")]
    [InlineData("16")]
    public void Quantize_MlxWithGroupSizeItHasNoKernelsFor_IsAUsageError(string groupSize)
    {
        using var temp = new TempFolder();
        var run = ToolRun.Of("quantize", Model(temp), "-o", temp["q.safetensors"], "-g", groupSize, "--save-format", "mlx");

        run.ExitCode.ShouldBe(ExitCodes.Usage);
        run.Error.ShouldContain($"--group-size gives group size {groupSize}, but MLX quantizes with group size 32, 64 or 128 only");
    }

    [Fact]
    public void Quantize_MlxOverrideWithGroupSizeItHasNoKernelsFor_IsAUsageErrorNamingTheOverride()
    {
        using var temp = new TempFolder();
        var run = ToolRun.Of("quantize", Model(temp), "-o", temp["q.safetensors"], "-g", "32", "--override", "down_proj=8:16", "--save-format", "mlx");

        run.ExitCode.ShouldBe(ExitCodes.Usage);
        run.Error.ShouldContain("--override 'down_proj=8:16' gives group size 16");
    }

    [Theory]
    [InlineData("compressed-tensors")]
    [InlineData("mlx")]
    public void Quantize_FormatWithAnotherSaveFormat_IsAUsageError(string saveFormat)
    {
        using var temp = new TempFolder();
        var run = ToolRun.Of("quantize", Model(temp), "-o", temp["q.safetensors"], "-g", "32", "--save-format", saveFormat, "--format", "offset");

        run.ExitCode.ShouldBe(ExitCodes.Usage);
        run.Error.ShouldContain("--format applies to --save-format rtn only");
    }

    [Theory]
    [InlineData("compressed-tensors", "Q4G32 compressed-tensors", "weight_packed")]
    [InlineData("mlx", "Q4G32 mlx", "weight")]
    public void Inspect_EachFormat_ShowsTheSchemeAndWhichTensorsBelongToEachWeight(string saveFormat, string storage, string codesSuffix)
    {
        using var temp = new TempFolder();
        TestModels.WriteFolder(temp["model"], TestModels.Block());
        ToolRun.Of("quantize", temp["model"], "-o", temp["q"], "-b", "4", "-g", "32", "--save-format", saveFormat).ShouldSucceed();

        var run = ToolRun.Of("inspect", temp["q"]).ShouldSucceed();

        run.Output.ShouldMatch($@"model\.layers\.0\.mlp\.down_proj\.{codesSuffix}\s+\S+\s+\[32, 8\]\s+1\.0 KiB\s+{storage}, weight \[32, 64\] F32");
        run.Output.ShouldContain("4 quantized weight(s)");
        run.Output.ShouldContain(saveFormat == "mlx" ? "biases of model.layers.0.mlp.down_proj.weight" : "shape of model.layers.0.mlp.down_proj.weight");
    }

    [Fact]
    public void Quantize_ShardedFolderInEachFormat_KeepsShardsIndexAndCompanions()
    {
        using var temp = new TempFolder();
        TestModels.WriteFolder(temp["model"], TestModels.Block());
        foreach (var format in Formats)
        {
            ToolRun.Of("quantize", temp["model"], "-o", temp[format], "-b", "4", "-g", "32", "--save-format", format).ShouldSucceed();

            var index = SafetensorsIndex.Load(temp[$"{format}/model.safetensors.index.json"]);
            using var output = SafetensorsCheckpoint.Open(temp[format]);
            index.WeightMap.Keys.Order(StringComparer.Ordinal).ShouldBe(output.Tensors.Select(t => t.Tensor.Name).Order(StringComparer.Ordinal), format);
            File.ReadAllText(temp[$"{format}/tokenizer.json"]).ShouldBe(File.ReadAllText(temp["model/tokenizer.json"]));
        }
    }

    private static string Model(TempFolder temp)
    {
        TestModels.WriteFile(temp["model.safetensors"], TestModels.Block());
        return temp["model.safetensors"];
    }

    private static float[] TensorValues(SafetensorsFile file, string name) =>
        file[name].DType switch
        {
            SafetensorsDType.F32 => file.GetValues<float>(file[name]).ToArray(),
            SafetensorsDType.F16 => [.. file.GetValues<Half>(file[name]).ToArray().Select(h => (float)h)],
            _ => [.. file.GetValues<BFloat16>(file[name]).ToArray().Select(b => (float)b)],
        };

    /// <summary>Each row of the error table: tensor, shape and the three error columns (not the storage column, which names the format).</summary>
    private static List<string> ErrorRows(string output) =>
        [.. output.Split('\n')
            .Where(line => line.StartsWith("model.", StringComparison.Ordinal))
            .Select(line => line.Split("  ", StringSplitOptions.RemoveEmptyEntries).Select(cell => cell.Trim()).ToArray())
            .Select(cells => string.Join(" | ", cells[..2].Concat(cells[^3..])))];
}
