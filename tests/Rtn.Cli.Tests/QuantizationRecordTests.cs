using System.Text.Json.Nodes;
using Rtn.Safetensors;

namespace Rtn.Cli.Tests;

/// <summary>What a quantized checkpoint records about how it was made, and the warnings about rules that did nothing.</summary>
public class QuantizationRecordTests
{
    /// <summary>The norms rule decides nothing here: the block's norms are 1-D, copied before any skip rule is asked.</summary>
    [Fact]
    public void Quantize_Metadata_RecordsSaveFormatLayoutRulesUsedAndQuantizedTensorsOfEachShard()
    {
        using var temp = new TempFolder();
        TestModels.WriteFolder(temp["model"], TestModels.Block());

        ToolRun.Of("quantize", temp["model"], "-o", temp["q"], "-b", "4", "-g", "32", "--override", "down_proj=8", "--skip", "experts").ShouldSucceed();

        using var first = SafetensorsFile.Open(temp["q/model-00001-of-00002.safetensors"]);
        using var second = SafetensorsFile.Open(temp["q/model-00002-of-00002.safetensors"]);
        first.Metadata["rtn.save_format"].ShouldBe("compressed-tensors");
        first.Metadata["rtn.format"].ShouldBe("offset");
        JsonNode.Parse(first.Metadata["rtn.overrides"])!.AsArray().Select(o => o!["pattern"]!.GetValue<string>()).ShouldBe(["down_proj"]);
        JsonNode.Parse(first.Metadata["rtn.skip"])!.AsArray().Select(o => o!["pattern"]!.GetValue<string>()).ShouldBe([SkipPattern("embeddings"), SkipPattern("output head"), SkipPattern("MoE routers"), "experts"]);
        var quantized = JsonNode.Parse(first.Metadata["rtn.quantized"])!.AsArray().Concat(JsonNode.Parse(second.Metadata["rtn.quantized"])!.AsArray()).Select(n => n!.GetValue<string>());
        quantized.ShouldBe(["model.layers.0.self_attn.q_proj.weight", "model.layers.0.self_attn.k_proj.weight", "model.layers.0.mlp.down_proj.weight"]);
    }

    [Fact]
    public void Quantize_RtnConfig_RecordsLayoutRulesAndQuantizedTensors()
    {
        using var temp = new TempFolder();
        TestModels.WriteFolder(temp["model"], TestModels.Block());

        ToolRun.Of("quantize", temp["model"], "-o", temp["q"], "--save-format", "rtn", "-f", "offset", "-b", "4", "-g", "32", "--override", "down_proj=8", "--skip", "experts").ShouldSucceed();

        var quantization = JsonNode.Parse(File.ReadAllText(temp["q/config.json"]))!["quantization_config"]!;
        quantization.ToJsonString().ShouldStartWith("""{"quant_method":"rtn","bits":4,"group_size":32,"format":"offset","overrides":["down_proj=8"],""");
        quantization["skip"]!.AsArray().Select(n => n!.GetValue<string>()).ShouldContain("experts");
        quantization["quantized"]!.AsArray().Count.ShouldBe(3);
        RtnConfig.FromQuantizationConfig(quantization.ToJsonString()).ShouldBe(new RtnConfig(4, 32));
    }

    [Fact]
    public void Quantize_RulesThatMatchNothing_WarnNamingTheRuleAndAreNotRecorded()
    {
        using var temp = new TempFolder();
        TestModels.WriteFile(temp["model.safetensors"], TestModels.Block());

        var run = ToolRun.Of("quantize", temp["model.safetensors"], "-o", temp["q.safetensors"], "-g", "32", "--override", "o_proj=4", "--override", "proj=8", "--override", "down_proj=4", "--skip", "no_such_layer")
            .ShouldSucceed();

        run.Error.ShouldContain("--override 'o_proj=4' matches no weight that is quantized (or an earlier override takes them); it has no effect.");
        run.Error.ShouldContain("--override 'down_proj=4' matches no weight");
        run.Error.ShouldContain("--skip 'no_such_layer' matches no weight that would be quantized; it has no effect.");
        run.Error.ShouldNotContain("--override 'proj=8'");
        using var output = SafetensorsFile.Open(temp["q.safetensors"]);
        JsonNode.Parse(output.Metadata["rtn.overrides"])!.AsArray().Select(o => o!["pattern"]!.GetValue<string>()).ShouldBe(["proj"]);
        output.Metadata["rtn.skip"].ShouldNotContain("no_such_layer");
    }

    [Fact]
    public void Quantize_NothingQuantized_WarnsAndMakesNoQuantizationClaim()
    {
        using var temp = new TempFolder();
        TestModels.WriteFolder(temp["model"], TestModels.Block());

        var run = ToolRun.Of("quantize", temp["model"], "-o", temp["q"], "-g", "32", "--skip", "weight").ShouldSucceed();

        run.Error.ShouldContain($"No tensor of {temp["model"]} was quantized, so the output makes no quantization claim");
        File.ReadAllText(temp["q/config.json"]).ShouldBe(File.ReadAllText(temp["model/config.json"]));
        using var output = SafetensorsCheckpoint.Open(temp["q"]);
        output.Files.ShouldAllBe(file => !file.Metadata.ContainsKey("quant_method"));
        ToolRun.Of("inspect", temp["q"]).ShouldSucceed().Output.ShouldContain("not quantized");
    }

    private static string SkipPattern(string description) => Pipeline.Planning.SkipRule.Defaults.Single(rule => rule.Description == description).Pattern;
}
