using System.Text.Json.Nodes;
using Rtn.Safetensors;

namespace Rtn.Cli.Tests;

public class QuantizeTests
{
    [Theory]
    [InlineData("4", "signed")]
    [InlineData("4", "offset")]
    [InlineData("8", "signed")]
    [InlineData("8", "offset")]
    public void Quantize_SingleFile_WritesReferenceCodesAndScalesInVllmShapes(string bits, string format)
    {
        using var temp = new TempFolder();
        var tensors = TestModels.Block();
        TestModels.WriteFile(temp["model.safetensors"], tensors);

        ToolRun.Of("quantize", "--save-format", "rtn", temp["model.safetensors"], "-o", temp["q.safetensors"], "--bits", bits, "-g", TestModels.GroupSize, "--format", format).ShouldSucceed();

        var config = new RtnConfig(int.Parse(bits), int.Parse(TestModels.GroupSize));
        var rtnFormat = format == "offset" ? RtnFormat.Offset : RtnFormat.Signed;
        using var output = SafetensorsFile.Open(temp["q.safetensors"]);
        foreach (var name in TestModels.QuantizedNames)
        {
            var tensor = tensors.Single(t => t.Name == name);
            var expected = Reference.Quantize(tensor, config, rtnFormat);
            var weight = output[name];
            var scale = output[name[..^".weight".Length] + ".scale"];

            weight.DType.ShouldBe(rtnFormat == RtnFormat.Signed ? SafetensorsDType.I8 : SafetensorsDType.U8);
            weight.Shape.ToArray().ShouldBe(expected.PackedShape, name);
            output.GetBytes(weight).ToArray().ShouldBe(expected.Packed, name);
            scale.DType.ShouldBe(tensor.DType);
            scale.Shape.ToArray().ShouldBe(expected.ScaleShape, name);
            output.GetBytes(scale).ToArray().ShouldBe(expected.Scales, name);
        }
    }

    [Fact]
    public void Quantize_SingleFile_CopiesEverythingElseByteForByte()
    {
        using var temp = new TempFolder();
        var tensors = TestModels.Block();
        TestModels.WriteFile(temp["model.safetensors"], tensors);

        ToolRun.Of("quantize", "--save-format", "rtn", temp["model.safetensors"], "-o", temp["q.safetensors"], "-b", "4", "-g", TestModels.GroupSize).ShouldSucceed();

        using var output = SafetensorsFile.Open(temp["q.safetensors"]);
        foreach (var tensor in tensors.Where(t => !TestModels.QuantizedNames.Contains(t.Name)))
        {
            var copy = output[tensor.Name];
            copy.DType.ShouldBe(tensor.DType);
            copy.Shape.ToArray().ShouldBe(tensor.Shape);
            output.GetBytes(copy).ToArray().ShouldBe(tensor.Bytes(), tensor.Name);
        }

        output.Tensors.Count.ShouldBe(tensors.Length + TestModels.QuantizedNames.Length);
    }

    [Fact]
    public void Quantize_Metadata_RecordsSchemeAndKeepsInputEntries()
    {
        using var temp = new TempFolder();
        TestModels.WriteFile(temp["model.safetensors"], TestModels.Block());

        ToolRun.Of("quantize", "--save-format", "rtn", temp["model.safetensors"], "-o", temp["q.safetensors"], "-b", "4", "-g", TestModels.GroupSize, "--format", "offset", "--override", "down_proj=8:32")
            .ShouldSucceed();

        using var output = SafetensorsFile.Open(temp["q.safetensors"]);
        output.Metadata["format"].ShouldBe("pt");
        output.Metadata["quant_method"].ShouldBe("rtn");
        output.Metadata["rtn.bits"].ShouldBe("4");
        output.Metadata["rtn.group_size"].ShouldBe("16");
        output.Metadata["rtn.format"].ShouldBe("offset");
        var overrides = JsonNode.Parse(output.Metadata["rtn.overrides"])!.AsArray();
        overrides.Count.ShouldBe(1);
        overrides[0]!["pattern"]!.GetValue<string>().ShouldBe("down_proj");
        overrides[0]!["bits"]!.GetValue<int>().ShouldBe(8);
        overrides[0]!["group_size"]!.GetValue<int>().ShouldBe(32);
    }

    [Fact]
    public void Quantize_Override_GivesMatchingTensorsItsBitsAndGroupSize()
    {
        using var temp = new TempFolder();
        var tensors = TestModels.Block();
        TestModels.WriteFile(temp["model.safetensors"], tensors);

        ToolRun.Of("quantize", "--save-format", "rtn", temp["model.safetensors"], "-o", temp["q.safetensors"], "-b", "4", "-g", TestModels.GroupSize, "--override", @"down_proj\.weight$=8:32", "--override", "k_proj=8")
            .ShouldSucceed();

        using var output = SafetensorsFile.Open(temp["q.safetensors"]);
        var down = tensors.Single(t => t.Name == "model.layers.0.mlp.down_proj.weight");
        output.GetBytes(output["model.layers.0.mlp.down_proj.weight"]).ToArray().ShouldBe(Reference.Quantize(down, new RtnConfig(8, 32), RtnFormat.Signed).Packed);
        output["model.layers.0.mlp.down_proj.scale"].Shape.ToArray().ShouldBe([32L, 2]);
        output["model.layers.0.self_attn.k_proj.weight"].Shape.ToArray().ShouldBe([8L, 32]);
        output["model.layers.0.self_attn.k_proj.scale"].Shape.ToArray().ShouldBe([8L, 2]);
        output["model.layers.0.self_attn.q_proj.weight"].Shape.ToArray().ShouldBe([16L, 32]);
    }

    [Fact]
    public void Quantize_SkipOption_CopiesMatchingWeights()
    {
        using var temp = new TempFolder();
        var tensors = TestModels.Block();
        TestModels.WriteFile(temp["model.safetensors"], tensors);

        ToolRun.Of("quantize", "--save-format", "rtn", temp["model.safetensors"], "-o", temp["q.safetensors"], "-g", TestModels.GroupSize, "--skip", "self_attn", "--skip", "experts").ShouldSucceed();

        using var output = SafetensorsFile.Open(temp["q.safetensors"]);
        output["model.layers.0.self_attn.q_proj.weight"].DType.ShouldBe(SafetensorsDType.BF16);
        output["model.layers.0.mlp.experts.w13.weight"].DType.ShouldBe(SafetensorsDType.BF16);
        output.TryGetTensor("model.layers.0.self_attn.q_proj.scale", out _).ShouldBeFalse();
        output["model.layers.0.mlp.down_proj.weight"].DType.ShouldBe(SafetensorsDType.I8);
    }

    [Fact]
    public void Quantize_NoDefaultSkip_QuantizesEmbeddingsAndHead()
    {
        using var temp = new TempFolder();
        TestModels.WriteFile(temp["model.safetensors"], TestModels.Block());

        ToolRun.Of("quantize", "--save-format", "rtn", temp["model.safetensors"], "-o", temp["q.safetensors"], "-g", TestModels.GroupSize, "--no-default-skip").ShouldSucceed();

        using var output = SafetensorsFile.Open(temp["q.safetensors"]);
        output["model.embed_tokens.weight"].DType.ShouldBe(SafetensorsDType.I8);
        output["lm_head.weight"].DType.ShouldBe(SafetensorsDType.I8);
        output["model.norm.weight"].DType.ShouldBe(SafetensorsDType.F32);
    }

    [Fact]
    public void Quantize_EnvironmentVariables_SetDefaultBitsAndGroupSize()
    {
        using var temp = new TempFolder();
        TestModels.WriteFile(temp["model.safetensors"], TestModels.Block());
        var environment = new Dictionary<string, string> { ["RTN_NUM_BITS"] = "4", ["RTN_GROUP_SIZE"] = "32" };

        ToolRun.Of(environment, "quantize", "--save-format", "rtn", temp["model.safetensors"], "-o", temp["q.safetensors"]).ShouldSucceed();

        using var output = SafetensorsFile.Open(temp["q.safetensors"]);
        output.Metadata["rtn.bits"].ShouldBe("4");
        output.Metadata["rtn.group_size"].ShouldBe("32");
        output["model.layers.0.self_attn.q_proj.weight"].Shape.ToArray().ShouldBe([16L, 32]);
    }

    [Fact]
    public void Quantize_ConfigBesideInputFile_IsNotWrittenBesideASingleFileOutput()
    {
        using var temp = new TempFolder();
        Directory.CreateDirectory(temp["in"]);
        Directory.CreateDirectory(temp["out"]);
        TestModels.WriteFile(temp["in/model.safetensors"], TestModels.Block());
        TestModels.WriteConfig(temp["in"]);
        var original = File.ReadAllText(temp["in/config.json"]);

        var run = ToolRun.Of("quantize", temp["in/model.safetensors"], "-o", temp["out/model.safetensors"], "-b", "4", "-g", TestModels.GroupSize).ShouldSucceed();

        File.ReadAllText(temp["in/config.json"]).ShouldBe(original);
        Directory.EnumerateFileSystemEntries(temp["out"]).Select(Path.GetFileName).ShouldBe(["model.safetensors"]);
        run.Error.ShouldContain($"{temp["in/config.json"]} is not rewritten: a single-file output gets no side files");
    }

    [Fact]
    public void Quantize_FileIntoExistingFolder_KeepsTheFileName()
    {
        using var temp = new TempFolder();
        Directory.CreateDirectory(temp["out"]);
        TestModels.WriteFile(temp["model.safetensors"], TestModels.Block());

        var run = ToolRun.Of("quantize", "--save-format", "rtn", temp["model.safetensors"], "-o", temp["out"], "-g", TestModels.GroupSize).ShouldSucceed();

        run.Output.ShouldContain($"→ {temp["out/model.safetensors"]}");
        using var output = SafetensorsFile.Open(temp["out/model.safetensors"]);
        output.Metadata["quant_method"].ShouldBe("rtn");
    }

    [Fact]
    public void Quantize_OutputBesideInputConfig_LeavesConfigAloneWithWarning()
    {
        using var temp = new TempFolder();
        TestModels.WriteFile(temp["model.safetensors"], TestModels.Block());
        TestModels.WriteConfig(temp.Path);
        var original = File.ReadAllText(temp["config.json"]);

        var run = ToolRun.Of("quantize", "--save-format", "rtn", temp["model.safetensors"], "-o", temp["q.safetensors"], "-g", TestModels.GroupSize).ShouldSucceed();

        File.ReadAllText(temp["config.json"]).ShouldBe(original);
        run.Error.ShouldContain("config.json is not rewritten");
    }

    [Fact]
    public void Quantize_ShardedFolder_WritesOneShardPerInputShardIndexConfigAndCompanions()
    {
        using var temp = new TempFolder();
        var tensors = TestModels.Block();
        TestModels.WriteFolder(temp["model"], tensors);

        ToolRun.Of("quantize", "--save-format", "rtn", temp["model"], "-o", temp["quantized"], "-b", "4", "-g", TestModels.GroupSize).ShouldSucceed();

        Directory.EnumerateFiles(temp["quantized"]).Select(Path.GetFileName).Order(StringComparer.Ordinal).ShouldBe(
            ["config.json", "model-00001-of-00002.safetensors", "model-00002-of-00002.safetensors", "model.safetensors.index.json", "tokenizer.json"]);
        var index = SafetensorsIndex.Load(temp["quantized/model.safetensors.index.json"]);
        var inputIndex = SafetensorsIndex.Load(temp["model/model.safetensors.index.json"]);
        foreach (var name in TestModels.QuantizedNames)
        {
            index.WeightMap[name[..^".weight".Length] + ".scale"].ShouldBe(inputIndex.WeightMap[name]);
        }

        using var checkpoint = SafetensorsCheckpoint.Open(temp["quantized"]);
        index.TotalSize.ShouldBe(checkpoint.Tensors.Sum(t => t.Tensor.ByteLength));
        var q = tensors.Single(t => t.Name == "model.layers.0.self_attn.q_proj.weight");
        var (file, weight) = checkpoint["model.layers.0.self_attn.q_proj.weight"];
        file.GetBytes(weight).ToArray().ShouldBe(Reference.Quantize(q, new RtnConfig(4, 16), RtnFormat.Signed).Packed);
        File.ReadAllText(temp["quantized/tokenizer.json"]).ShouldBe(File.ReadAllText(temp["model/tokenizer.json"]));
        JsonNode.Parse(File.ReadAllText(temp["quantized/config.json"]))!["quantization_config"]!["bits"]!.GetValue<int>().ShouldBe(4);
    }

    [Fact]
    public void Quantize_Summary_CountsQuantizedAndCopiedTensors()
    {
        using var temp = new TempFolder();
        TestModels.WriteFile(temp["model.safetensors"], TestModels.Block());

        var run = ToolRun.Of("quantize", "--save-format", "rtn", temp["model.safetensors"], "-o", temp["q.safetensors"], "-b", "4", "-g", TestModels.GroupSize).ShouldSucceed();

        run.Output.ShouldContain("quantized Q4G16");
        run.Output.ShouldContain("copied (skipped: embeddings)");
        run.Output.ShouldContain("copied (skipped: MoE routers)");
        run.Output.ShouldContain("Scheme Q4G16, saved as rtn signed.");
        run.Error.ShouldContain("[1/11] model.embed_tokens.weight");
        run.Output.ShouldNotContain("[1/11]");
    }
}
