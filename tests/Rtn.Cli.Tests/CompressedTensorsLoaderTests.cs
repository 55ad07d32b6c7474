using Rtn.Layers;
using Rtn.Safetensors;

namespace Rtn.Cli.Tests;

/// <summary>The library loads a compressed-tensors checkpoint into layers with the stored codes and scales, never re-quantizing.</summary>
public class CompressedTensorsLoaderTests
{
    [Fact]
    public void LoadLinear_CheckpointWrittenByTheTool_HoldsTheReferenceCodesAndComputesLikeALayerQuantizedOnTheFly()
    {
        using var temp = new TempFolder();
        var tensors = TestModels.Block();
        TestModels.WriteFolder(temp["model"], tensors);
        ToolRun.Of("quantize", temp["model"], "-o", temp["q"], "-b", "4", "-g", "32").ShouldSucceed();
        var weight = tensors.Single(t => t.Name == "model.layers.0.self_attn.q_proj.weight");
        var bias = TestModels.Stored<BFloat16>(tensors.Single(t => t.Name == "model.layers.0.self_attn.q_proj.bias"));

        using var checkpoint = CompressedTensorsCheckpoint.Open(temp["q"]);
        var layer = checkpoint.LoadLinear<BFloat16>("model.layers.0.self_attn.q_proj");

        var expected = Reference.Quantize(weight, new RtnConfig(4, 32), RtnFormat.Offset);
        layer.Config.ShouldBe(new RtnConfig(4, 32));
        layer.Weight.Packed.ShouldBe(expected.Packed);
        System.Runtime.InteropServices.MemoryMarshal.AsBytes(layer.Weight.Scales.AsSpan()).ToArray().ShouldBe(expected.Scales);
        layer.Bias.ToArray().ShouldBe(bias);

        var onTheFly = new RtnLinear<BFloat16>(32, 32, new RtnConfig(4, 32), RtnFormat.Offset, hasBias: true);
        onTheFly.Load(TestModels.Stored<BFloat16>(weight));
        onTheFly.LoadBias(bias);
        var x = Enumerable.Range(0, 64).Select(i => (BFloat16)((i % 7) - 3f)).ToArray();
        var (y, reference) = (new BFloat16[64], new BFloat16[64]);
        layer.Forward(x, 2, y);
        onTheFly.Forward(x, 2, reference);
        y.ShouldBe(reference);
    }

    [Fact]
    public void LoadExperts_Stack_HoldsEachExpertsReferenceCodes()
    {
        using var temp = new TempFolder();
        var tensors = TestModels.Block();
        TestModels.WriteFolder(temp["model"], tensors);
        ToolRun.Of("quantize", temp["model"], "-o", temp["q"], "-b", "8", "-g", "32").ShouldSucceed();

        using var checkpoint = CompressedTensorsCheckpoint.Open(temp["q"]);
        var experts = checkpoint.LoadExperts<BFloat16>("model.layers.0.mlp.experts.w13");

        var expected = Reference.Quantize(tensors.Single(t => t.Name == "model.layers.0.mlp.experts.w13.weight"), new RtnConfig(8, 32), RtnFormat.Offset);
        (experts.Experts, experts.OutputSize, experts.InputSize).ShouldBe((3, 16, 32));
        experts.Weight.Packed.ShouldBe(expected.Packed);
        var x = new BFloat16[32];
        x[0] = (BFloat16)1f;
        var y = new BFloat16[16];
        experts.Forward(2, x, 1, y);
        y.ShouldNotBe(new BFloat16[16]);
    }

    [Fact]
    public void LoadLinear_IgnoredModuleOrWrongElementType_FailsNamingIt()
    {
        using var temp = new TempFolder();
        TestModels.WriteFolder(temp["model"], TestModels.Block());
        ToolRun.Of("quantize", temp["model"], "-o", temp["q"], "-b", "4", "-g", "32").ShouldSucceed();
        using var checkpoint = CompressedTensorsCheckpoint.Open(temp["q"]);

        Should.Throw<FormatException>(() => checkpoint.LoadLinear<BFloat16>("lm_head")).Message.ShouldContain("module 'lm_head' is not quantized");
        Should.Throw<FormatException>(() => checkpoint.LoadLinear<float>("model.layers.0.self_attn.q_proj")).Message
            .ShouldContain("'model.layers.0.self_attn.q_proj.weight_scale' is BF16, but the layer's element type Single needs F32");
        Should.Throw<FormatException>(() => checkpoint.LoadLinear<BFloat16>("model.layers.0.mlp.experts.w13")).Message.ShouldContain("load a stack with LoadExperts");
    }

    [Fact]
    public void Open_ConfigWithActivationOrdering_FailsNamingTheField()
    {
        using var temp = new TempFolder();
        TestModels.WriteFolder(temp["model"], TestModels.Block());
        ToolRun.Of("quantize", temp["model"], "-o", temp["q"], "-b", "4", "-g", "32").ShouldSucceed();
        File.WriteAllText(temp["q/config.json"], File.ReadAllText(temp["q/config.json"]).Replace("\"actorder\": null", "\"actorder\": \"weight\"", StringComparison.Ordinal));

        var error = Should.Throw<FormatException>(() => CompressedTensorsCheckpoint.Open(temp["q"]));

        error.Message.ShouldContain(temp["q/config.json"]);
        error.Message.ShouldContain("config_groups.group_0.weights.actorder is \"weight\"; activation ordering is not supported");
    }

    /// <summary>
    /// A checkpoint as llm-compressor writes one (version, transform config, a per-group format,
    /// no RTN metadata), holding the hand-packed 2×16 words of <see cref="HandPackedFormatTests"/>:
    /// row 0 codes [7, −8, 0, 1, 2, 3, 4, 5, 6, 7, −1, −2, −3, −4, −5, −6], scale 0.5.
    /// </summary>
    [Fact]
    public void LoadLinear_CheckpointFromAnotherTool_ReadsItsCodesAndTheToolDequantizesIt()
    {
        using var temp = new TempFolder();
        Directory.CreateDirectory(temp["ct"]);
        int[] words = [unchecked((int)0xDCBA980F), 0x234567FE, unchecked((int)0xF6A88CA0), unchecked((int)0x88888888)];
        TestModels.WriteFile(temp["ct/model.safetensors"],
        [
            new TestTensor("proj.weight_packed", SafetensorsDType.I32, [2, 2], new float[4]),
            new TestTensor("proj.weight_scale", SafetensorsDType.F32, [2, 1], [0.5f, 0.5f]),
            new TestTensor("proj.weight_shape", SafetensorsDType.I64, [2], [2, 16]),
        ]);
        PatchInt32(temp["ct/model.safetensors"], words);
        File.WriteAllText(temp["ct/config.json"], """
            {"model_type": "llama", "quantization_config": {"config_groups": {"group_0": {"format": "pack-quantized", "input_activations": null,
             "output_activations": null, "targets": ["Linear"], "weights": {"actorder": null, "block_structure": null, "dynamic": false,
             "group_size": 16, "num_bits": 4, "observer": "minmax", "observer_kwargs": {}, "strategy": "group", "symmetric": true, "type": "int"}}},
             "format": "pack-quantized", "global_compression_ratio": null, "ignore": ["lm_head"], "kv_cache_scheme": null,
             "quant_method": "compressed-tensors", "quantization_status": "compressed", "sparsity_config": {}, "transform_config": {}, "version": "0.12.2"}}
            """);

        using (var checkpoint = CompressedTensorsCheckpoint.Open(temp["ct"]))
        {
            var layer = checkpoint.LoadLinear<float>("proj");
            RtnReference.Dequantize(layer.Weight)[..16].ShouldBe([3.5f, -4f, 0, 0.5f, 1, 1.5f, 2, 2.5f, 3, 3.5f, -0.5f, -1, -1.5f, -2, -2.5f, -3]);
        }

        ToolRun.Of("dequantize", temp["ct"], "-o", temp["d"]).ShouldSucceed();
        using var dense = SafetensorsFile.Open(temp["d/model.safetensors"]);
        dense.GetValues<float>(dense["proj.weight"]).ToArray()[16..24].ShouldBe([-4f, 1, 2, 0, 0, 1, -1, 3.5f]);
    }

    // The test writer stores I32 tensors as zeros; the words go in afterwards, at the tensor's
    // offset in the data section, which follows the 8-byte header length and the header.
    private static void PatchInt32(string path, int[] values)
    {
        long offset;
        using (var file = SafetensorsFile.Open(path))
        {
            offset = file["proj.weight_packed"].DataOffset;
        }

        using var stream = File.Open(path, FileMode.Open, FileAccess.ReadWrite);
        var length = new byte[8];
        stream.ReadExactly(length);
        stream.Position = 8 + BitConverter.ToInt64(length) + offset;
        stream.Write(System.Runtime.InteropServices.MemoryMarshal.AsBytes(values.AsSpan()));
    }
}
