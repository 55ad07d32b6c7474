using System.Text.Json.Nodes;
using Rtn.Safetensors;

namespace Rtn.Cli.Tests;

public class RoundTripTests
{
    [Theory]
    [InlineData("4", "signed")]
    [InlineData("8", "offset")]
    public void Dequantize_QuantizedFile_GivesReferenceDequantizationAndCopiesTheRest(string bits, string format)
    {
        using var temp = new TempFolder();
        var tensors = TestModels.Block();
        TestModels.WriteFile(temp["model.safetensors"], tensors);
        ToolRun.Of("quantize", "--save-format", "rtn", temp["model.safetensors"], "-o", temp["q.safetensors"], "-b", bits, "-g", TestModels.GroupSize, "-f", format).ShouldSucceed();

        var run = ToolRun.Of("dequantize", temp["q.safetensors"], "-o", temp["d.safetensors"]).ShouldSucceed();

        run.Output.ShouldContain("Dequantized 4 weight(s) and copied 7 other tensor(s)");
        using var output = SafetensorsFile.Open(temp["d.safetensors"]);
        output.Tensors.Select(t => t.Name).ShouldBe(tensors.Select(t => t.Name));
        output.Metadata.Keys.ShouldBe(["format"]);
        var config = new RtnConfig(int.Parse(bits), 16);
        foreach (var tensor in tensors)
        {
            var dense = output[tensor.Name];
            dense.DType.ShouldBe(tensor.DType);
            dense.Shape.ToArray().ShouldBe(tensor.Shape);
            var expected = TestModels.QuantizedNames.Contains(tensor.Name)
                ? Reference.Quantize(tensor, config, format == "offset" ? RtnFormat.Offset : RtnFormat.Signed).Dequantized
                : tensor.Bytes();
            output.GetBytes(dense).ToArray().ShouldBe(expected, tensor.Name);
        }
    }

    [Fact]
    public void Dequantize_ShardedFolder_RemovesScalesFromIndexAndQuantizationConfig()
    {
        using var temp = new TempFolder();
        TestModels.WriteFolder(temp["model"], TestModels.Block());
        ToolRun.Of("quantize", "--save-format", "rtn", temp["model"], "-o", temp["q"], "-b", "4", "-g", TestModels.GroupSize).ShouldSucceed();

        ToolRun.Of("dequantize", temp["q"], "-o", temp["d"]).ShouldSucceed();

        var index = SafetensorsIndex.Load(temp["d/model.safetensors.index.json"]);
        index.WeightMap.ShouldBe(SafetensorsIndex.Load(temp["model/model.safetensors.index.json"]).WeightMap);
        JsonNode.Parse(File.ReadAllText(temp["d/config.json"]))!.AsObject().ContainsKey("quantization_config").ShouldBeFalse();
    }

    [Fact]
    public void Inspect_QuantizedFile_ListsTensorsSchemeAndMetadata()
    {
        using var temp = new TempFolder();
        TestModels.WriteFile(temp["model.safetensors"], TestModels.Block());
        ToolRun.Of("quantize", "--save-format", "rtn", temp["model.safetensors"], "-o", temp["q.safetensors"], "-b", "4", "-g", TestModels.GroupSize, "--override", "down_proj=8").ShouldSucceed();

        var run = ToolRun.Of("inspect", temp["q.safetensors"]).ShouldSucceed();

        run.Output.ShouldContain("15 tensors in 1 file(s)");
        run.Output.ShouldContain("rtn.overrides");
        run.Output.ShouldMatch(@"model\.layers\.0\.self_attn\.q_proj\.weight\s+I8\s+\[16, 32\]\s+512 B\s+Q4G16 signed, weight \[32, 32\] BF16");
        run.Output.ShouldMatch(@"model\.layers\.0\.mlp\.down_proj\.weight\s+I8\s+\[32, 64\]\s+2\.0 KiB\s+Q8G16 signed, weight \[32, 64\] F32");
        run.Output.ShouldMatch(@"model\.layers\.0\.mlp\.experts\.w13\.weight\s+I8\s+\[3, 8, 32\]\s+768 B\s+Q4G16 signed, weight \[3, 16, 32\] BF16");
        run.Output.ShouldContain("scales of model.layers.0.self_attn.q_proj.weight");
        run.Output.ShouldContain("4 quantized weight(s)");
    }

    [Fact]
    public void Inspect_ShardedFolder_ShowsEachTensorsFile()
    {
        using var temp = new TempFolder();
        TestModels.WriteFolder(temp["model"], TestModels.Block());

        var run = ToolRun.Of("inspect", temp["model"]).ShouldSucceed();

        run.Output.ShouldContain("11 tensors in 2 file(s)");
        run.Output.ShouldMatch(@"lm_head\.weight\s+BF16\s+\[24, 32\]\s+1\.5 KiB\s+model-00002-of-00002\.safetensors");
        run.Output.ShouldContain("not quantized");
    }

    [Fact]
    public void Eval_QuantizedFile_ReportsErrorOfEachQuantizedWeight()
    {
        using var temp = new TempFolder();
        var tensors = TestModels.Block();
        TestModels.WriteFile(temp["model.safetensors"], tensors);
        ToolRun.Of("quantize", "--save-format", "rtn", temp["model.safetensors"], "-o", temp["q.safetensors"], "-b", "4", "-g", TestModels.GroupSize).ShouldSucceed();

        var run = ToolRun.Of("eval", temp["model.safetensors"], temp["q.safetensors"], "--plot", temp["sqnr.png"]).ShouldSucceed();

        var down = tensors.Single(t => t.Name == "model.layers.0.mlp.down_proj.weight");
        var dequantized = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(Reference.Quantize(down, new RtnConfig(4, 16), RtnFormat.Signed).Dequantized).ToArray();
        var signal = down.Values.Sum(v => (double)v * v);
        var noise = down.Values.Zip(dequantized, (a, b) => ((double)a - b) * (a - b)).Sum();
        var sqnr = (10 * Math.Log10(signal / noise)).ToString("0.00", System.Globalization.CultureInfo.InvariantCulture);
        run.Output.ShouldMatch($@"model\.layers\.0\.mlp\.down_proj\.weight\s+\[32, 64\]\s+Q4G16 signed\s+{sqnr.Replace(".", @"\.")}\s");
        run.Output.ShouldContain("4 tensor(s) differ; 7 are identical");
        File.ReadAllBytes(temp["sqnr.png"]).Take(8).ShouldBe(new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A });
    }

    [Fact]
    public void Eval_OriginalAgainstDequantized_MatchesEvalAgainstQuantized()
    {
        using var temp = new TempFolder();
        TestModels.WriteFolder(temp["model"], TestModels.Block());
        ToolRun.Of("quantize", "--save-format", "rtn", temp["model"], "-o", temp["q"], "-b", "8", "-g", TestModels.GroupSize).ShouldSucceed();
        ToolRun.Of("dequantize", temp["q"], "-o", temp["d"]).ShouldSucceed();

        var quantized = ToolRun.Of("eval", temp["model"], temp["q"]).ShouldSucceed();
        var dequantized = ToolRun.Of("eval", temp["model"], temp["d"]).ShouldSucceed();

        Totals(dequantized.Output).ShouldBe(Totals(quantized.Output));
    }

    private static string Totals(string output) =>
        string.Join(' ', output.Split('\n').Single(line => line.StartsWith("all ", StringComparison.Ordinal)).Split(' ', StringSplitOptions.RemoveEmptyEntries));
}
