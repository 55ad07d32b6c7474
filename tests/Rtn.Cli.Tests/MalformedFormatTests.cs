using System.Text.Json.Nodes;
using Rtn.Safetensors;

namespace Rtn.Cli.Tests;

/// <summary>compressed-tensors and MLX checkpoints that RTN cannot read are refused with an error naming the field or tensor.</summary>
public class MalformedFormatTests
{
    [Theory]
    [InlineData("weights", "symmetric", "false", "config_groups.group_0.weights.symmetric is false; asymmetric (zero-point) schemes are not supported")]
    [InlineData("weights", "actorder", "\"group\"", "config_groups.group_0.weights.actorder is \"group\"; activation ordering is not supported")]
    [InlineData("weights", "type", "\"float\"", "config_groups.group_0.weights.type is \"float\"; only \"int\" is supported")]
    [InlineData("weights", "num_bits", "2", "config_groups.group_0.weights.num_bits is 2; only 4 and 8 are supported")]
    [InlineData("weights", "dynamic", "true", "config_groups.group_0.weights.dynamic is true; only static weight scales are supported")]
    [InlineData("group", "input_activations", "{\"num_bits\": 8, \"type\": \"int\"}", "config_groups.group_0.input_activations is set; activation quantization is not supported")]
    [InlineData("config", "format", "\"int-quantized\"", "quantization_config.format is \"int-quantized\"; expected \"pack-quantized\"")]
    [InlineData("config", "quantization_status", "\"frozen\"", "quantization_config.quantization_status is \"frozen\"; expected \"compressed\"")]
    public void Dequantize_CompressedTensorsConfigRtnCannotHold_FailsNamingTheField(string where, string key, string json, string message)
    {
        using var temp = new TempFolder();
        TestModels.WriteFolder(temp["model"], TestModels.Block());
        ToolRun.Of("quantize", temp["model"], "-o", temp["q"], "-b", "4", "-g", "32").ShouldSucceed();
        var config = JsonNode.Parse(File.ReadAllText(temp["q/config.json"]))!.AsObject();
        var quantization = config["quantization_config"]!.AsObject();
        var target = where switch
        {
            "weights" => quantization["config_groups"]!["group_0"]!["weights"]!.AsObject(),
            "group" => quantization["config_groups"]!["group_0"]!.AsObject(),
            _ => quantization,
        };
        target[key] = JsonNode.Parse(json);
        File.WriteAllText(temp["q/config.json"], config.ToJsonString());

        var run = ToolRun.Of("dequantize", temp["q"], "-o", temp["d"]);

        run.ExitCode.ShouldBe(ExitCodes.Failure);
        run.Error.ShouldContain(temp["q/config.json"]);
        run.Error.ShouldContain(message);
        Directory.Exists(temp["d"]).ShouldBeFalse();
        Should.Throw<FormatException>(() => CompressedTensorsConfig.Parse(quantization.ToJsonString())).Message.ShouldContain(message);
    }

    [Theory]
    [InlineData(SafetensorsDType.F32, new long[] { 2, 2 }, new long[] { 2, 1 }, 16, "'layer.weight_packed' is F32; packed weights must be I32")]
    [InlineData(SafetensorsDType.I32, new long[] { 2, 2 }, new long[] { 2, 1 }, 20, "'layer.weight_packed' [2, 2] has 2 words per row, which packs 20 columns ('layer.weight_shape' [2, 20]) at neither 4 bits (3 words) nor 8 bits (5)")]
    [InlineData(SafetensorsDType.I32, new long[] { 2, 3 }, new long[] { 2, 1 }, 16, "'layer.weight_packed' [2, 3] has 3 words per row")]
    [InlineData(SafetensorsDType.I32, new long[] { 3, 2 }, new long[] { 2, 1 }, 16, "must have 2 rows")]
    [InlineData(SafetensorsDType.I32, new long[] { 2, 2 }, new long[] { 2, 3 }, 16, "'layer.weight_scale' [2, 3] does not divide the 16 columns")]
    public void Eval_CompressedTensorsTensorsThatDoNotFit_FailNamingTheTensor(SafetensorsDType packedType, long[] packedShape, long[] scaleShape, int columns, string message)
    {
        using var temp = new TempFolder();
        TestModels.WriteFile(temp["model.safetensors"], [TestModels.Random("layer.weight", SafetensorsDType.F32, 2, columns)]);
        TestModels.WriteFile(temp["q.safetensors"],
        [
            new TestTensor("layer.weight_packed", packedType, packedShape, new float[packedShape[0] * packedShape[1]]),
            new TestTensor("layer.weight_scale", SafetensorsDType.F32, scaleShape, new float[scaleShape[0] * scaleShape[1]]),
            new TestTensor("layer.weight_shape", SafetensorsDType.I64, [2], [2, columns]),
        ]);

        var run = ToolRun.Of("eval", temp["model.safetensors"], temp["q.safetensors"]);

        run.ExitCode.ShouldBe(ExitCodes.Failure);
        run.Error.ShouldContain(temp["q.safetensors"]);
        run.Error.ShouldContain(message);
    }

    [Fact]
    public void Inspect_CompressedTensorsWhoseBitsTheWordsCannotTell_FailsAskingForTheConfig()
    {
        using var temp = new TempFolder();
        TestModels.WriteFile(temp["q.safetensors"],
        [
            new TestTensor("layer.weight_packed", SafetensorsDType.I32, [2, 1], new float[2]),
            new TestTensor("layer.weight_scale", SafetensorsDType.F32, [2, 1], [1, 1]),
            new TestTensor("layer.weight_shape", SafetensorsDType.I64, [2], [2, 4]),
        ]);

        var run = ToolRun.Of("inspect", temp["q.safetensors"]);

        run.ExitCode.ShouldBe(ExitCodes.Failure);
        run.Error.ShouldContain("'layer.weight_packed' [2, 1] packs 4 columns into 1 word(s) per row at 4 bits and at 8 bits alike");
    }

    [Fact]
    public void Inspect_CompressedTensorsWithoutScale_FailsNamingTheMissingTensor()
    {
        using var temp = new TempFolder();
        TestModels.WriteFile(temp["q.safetensors"],
        [
            new TestTensor("layer.weight_packed", SafetensorsDType.I32, [2, 2], new float[4]),
            new TestTensor("layer.weight_shape", SafetensorsDType.I64, [2], [2, 16]),
        ]);

        var run = ToolRun.Of("inspect", temp["q.safetensors"]);

        run.ExitCode.ShouldBe(ExitCodes.Failure);
        run.Error.ShouldContain("'layer.weight_packed' is quantized, but its companion tensor 'layer.weight_scale' is missing");
    }

    [Fact]
    public void Dequantize_MlxBiasesThatAreNotMinusEightScales_FailsAsAsymmetric()
    {
        using var temp = new TempFolder();
        var metadata = new Dictionary<string, string>
        {
            ["quant_method"] = "rtn", ["rtn.save_format"] = "mlx", ["rtn.bits"] = "4", ["rtn.group_size"] = "32", ["rtn.format"] = "offset",
        };
        TestModels.WriteFile(temp["q.safetensors"],
        [
            new TestTensor("layer.weight", SafetensorsDType.U32, [2, 4], new float[8]),
            new TestTensor("layer.scales", SafetensorsDType.F32, [2, 1], [1, 1]),
            new TestTensor("layer.biases", SafetensorsDType.F32, [2, 1], [-8, 0]),
        ], metadata);

        var run = ToolRun.Of("dequantize", temp["q.safetensors"], "-o", temp["d.safetensors"]);

        run.ExitCode.ShouldBe(ExitCodes.Failure);
        run.Error.ShouldContain("'layer.weight'");
        run.Error.ShouldContain("group 1 has bias 0 where RTN's codes need -8·scale = -8; this is an asymmetric (zero-point) quantization RTN cannot hold");
    }

    [Fact]
    public void Eval_MlxFolderWithoutConfig_ReadsTheSchemeFromTheMetadata()
    {
        using var temp = new TempFolder();
        TestModels.WriteFolder(temp["model"], TestModels.Block());
        ToolRun.Of("quantize", temp["model"], "-o", temp["q"], "-b", "4", "-g", "32", "--save-format", "mlx").ShouldSucceed();
        File.Delete(temp["q/config.json"]);

        var run = ToolRun.Of("eval", temp["model"], temp["q"]);

        run.ExitCode.ShouldBe(ExitCodes.Success);
        run.Output.ShouldContain("Q4G32 mlx");
    }
}
