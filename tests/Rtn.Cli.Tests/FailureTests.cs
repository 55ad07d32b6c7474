using System.Globalization;
using Rtn.Safetensors;

namespace Rtn.Cli.Tests;

public class FailureTests
{
    [Fact]
    public void Quantize_MalformedFile_FailsNamingFileAndLeavesNoOutput()
    {
        using var temp = new TempFolder();
        File.WriteAllBytes(temp["model.safetensors"], [0x10, 0, 0, 0, 0, 0, 0, 0, .. "{\"a\": not json}"u8]);

        var run = ToolRun.Of("quantize", "--save-format", "rtn", temp["model.safetensors"], "-o", temp["q.safetensors"]);

        run.ExitCode.ShouldBe(ExitCodes.Failure, run.ToString());
        run.Error.ShouldStartWith("error: ");
        run.Error.ShouldContain(temp["model.safetensors"]);
        run.Error.ShouldNotContain("   at ");
        temp.Entries().ShouldBe(["model.safetensors"]);
    }

    [Fact]
    public void Quantize_MissingInput_FailsNamingThePath()
    {
        using var temp = new TempFolder();

        var run = ToolRun.Of("quantize", "--save-format", "rtn", temp["absent.safetensors"], "-o", temp["q.safetensors"]);

        run.ExitCode.ShouldBe(ExitCodes.Failure);
        run.Error.ShouldContain(temp["absent.safetensors"]);
        temp.Entries().ShouldBeEmpty();
    }

    [Fact]
    public void Quantize_ShapeNotFittingGroupSize_FailsNamingFileTensorShapeAndGroupSize()
    {
        using var temp = new TempFolder();
        TestModels.WriteFile(temp["model.safetensors"], [.. TestModels.Block(), TestModels.Random("model.layers.0.mlp.odd_proj.weight", SafetensorsDType.BF16, 8, 24)]);

        var run = ToolRun.Of("quantize", "--save-format", "rtn", temp["model.safetensors"], "-o", temp["q.safetensors"], "-g", TestModels.GroupSize);

        run.ExitCode.ShouldBe(ExitCodes.Failure, run.ToString());
        run.Error.ShouldContain(temp["model.safetensors"]);
        run.Error.ShouldContain("'model.layers.0.mlp.odd_proj.weight' (BF16 [8, 24])");
        run.Error.ShouldContain("g = 16");
        run.Error.ShouldContain("--skip-unfit");
        temp.Entries().ShouldBe(["model.safetensors"]);
    }

    [Fact]
    public void Quantize_OddRowsAt4Bits_FailsNamingTheTensor()
    {
        using var temp = new TempFolder();
        TestModels.WriteFile(temp["model.safetensors"], [TestModels.Random("model.layers.0.self_attn.q_proj.weight", SafetensorsDType.F16, 7, 32)]);

        var run = ToolRun.Of("quantize", "--save-format", "rtn", temp["model.safetensors"], "-o", temp["q.safetensors"], "-b", "4", "-g", TestModels.GroupSize);

        run.ExitCode.ShouldBe(ExitCodes.Failure);
        run.Error.ShouldContain("'model.layers.0.self_attn.q_proj.weight' (F16 [7, 32]) cannot be quantized as Q4G16");
        run.Error.ShouldContain("R = 7");
    }

    [Fact]
    public void Quantize_SkipUnfit_CopiesMisfitWithWarning()
    {
        using var temp = new TempFolder();
        var odd = TestModels.Random("model.layers.0.mlp.odd_proj.weight", SafetensorsDType.BF16, 8, 24);
        TestModels.WriteFile(temp["model.safetensors"], [.. TestModels.Block(), odd]);

        var run = ToolRun.Of("quantize", "--save-format", "rtn", temp["model.safetensors"], "-o", temp["q.safetensors"], "-g", TestModels.GroupSize, "--skip-unfit").ShouldSucceed();

        run.Error.ShouldContain("warning: ");
        run.Error.ShouldContain("odd_proj.weight");
        using var output = SafetensorsFile.Open(temp["q.safetensors"]);
        output.GetBytes(output[odd.Name]).ToArray().ShouldBe(odd.Bytes());
    }

    [Fact]
    public void Quantize_NonFiniteValueInLaterTensor_FailsMidWriteAndLeavesNoOutput()
    {
        using var temp = new TempFolder();
        var broken = TestModels.Random("model.layers.0.mlp.down_proj.weight", SafetensorsDType.F32, 32, 64);
        broken.Values[100] = float.NaN;
        TestModels.WriteFile(temp["model.safetensors"], [.. TestModels.Block().Where(t => t.Name != broken.Name), broken]);

        var run = ToolRun.Of("quantize", "--save-format", "rtn", temp["model.safetensors"], "-o", temp["q.safetensors"], "-g", TestModels.GroupSize);

        run.ExitCode.ShouldBe(ExitCodes.Failure, run.ToString());
        run.Error.ShouldContain($"{temp["model.safetensors"]}: tensor 'model.layers.0.mlp.down_proj.weight'");
        run.Error.ShouldContain("non-finite");
        temp.Entries().ShouldBe(["model.safetensors"]);
    }

    [Theory]
    [InlineData(SafetensorsDType.F32, 4, 1.7014118E+38f, "overflows to infinity, so it would dequantize to NaN")]
    [InlineData(SafetensorsDType.BF16, 8, -1.7014118E+38f, "overflows to infinity, so it would dequantize to NaN")]
    [InlineData(SafetensorsDType.F16, 4, -61440f, "beyond the largest F16 value")]
    [InlineData(SafetensorsDType.F16, 8, -65280f, "beyond the largest F16 value")]
    public void Quantize_ResultThatWouldNotBeFinite_FailsNamingTensorGroupAndMax(SafetensorsDType dtype, int bits, float extreme, string problem)
    {
        using var temp = new TempFolder();
        var large = TestModels.Random("model.layers.0.mlp.up_proj.weight", dtype, 4, 32);
        large.Values[(2 * 32) + 17] = extreme;
        TestModels.WriteFile(temp["model.safetensors"], [.. TestModels.Block(), large]);

        var run = ToolRun.Of("quantize", temp["model.safetensors"], "-o", temp["q.safetensors"], "-b", bits.ToString(CultureInfo.InvariantCulture), "-g", TestModels.GroupSize);

        run.ExitCode.ShouldBe(ExitCodes.Failure, run.ToString());
        run.Error.ShouldContain($"{temp["model.safetensors"]}: tensor 'model.layers.0.mlp.up_proj.weight': group 1 of the row at [2, 16] (columns [16, 32)) has max|x| = {Math.Abs(extreme).ToString("R", CultureInfo.InvariantCulture)}");
        run.Error.ShouldContain(problem);
        temp.Entries().ShouldBe(["model.safetensors"]);
    }

    [Fact]
    public void Quantize_FailureInSecondShard_LeavesNoOutputFolder()
    {
        using var temp = new TempFolder();
        var tensors = TestModels.Block();
        tensors[^2].Values[3] = float.PositiveInfinity;
        TestModels.WriteFolder(temp["model"], tensors);
        var broken = tensors[^2].Name;
        tensors[^2] = tensors[^2] with { Name = "model.layers.1.self_attn.o_proj.weight" };

        var run = ToolRun.Of("quantize", "--save-format", "rtn", temp["model"], "-o", temp["q"], "-g", TestModels.GroupSize, "--no-default-skip");

        run.ExitCode.ShouldBe(ExitCodes.Failure, run.ToString());
        run.Error.ShouldContain($"model-00002-of-00002.safetensors: tensor '{broken}'");
        Directory.EnumerateFileSystemEntries(temp.Path).Select(Path.GetFileName).ShouldBe(["model"]);
    }

    [Fact]
    public void Quantize_OutputIsInput_FailsWithoutTouchingIt()
    {
        using var temp = new TempFolder();
        TestModels.WriteFile(temp["model.safetensors"], TestModels.Block());
        var before = File.ReadAllBytes(temp["model.safetensors"]);

        var run = ToolRun.Of("quantize", "--save-format", "rtn", temp["model.safetensors"], "-o", temp["model.safetensors"], "-g", TestModels.GroupSize);

        run.ExitCode.ShouldBe(ExitCodes.Failure);
        run.Error.ShouldContain("is the input");
        File.ReadAllBytes(temp["model.safetensors"]).ShouldBe(before);
    }

    [Fact]
    public void Quantize_OutputFolderNotEmpty_IsRefusedWithoutForce()
    {
        using var temp = new TempFolder();
        TestModels.WriteFolder(temp["model"], TestModels.Block());
        Directory.CreateDirectory(temp["q"]);
        File.WriteAllText(temp["q/keep.txt"], "mine");

        var run = ToolRun.Of("quantize", "--save-format", "rtn", temp["model"], "-o", temp["q"], "-g", TestModels.GroupSize);

        run.ExitCode.ShouldBe(ExitCodes.Usage);
        run.Error.ShouldContain("not empty");
        run.Error.ShouldContain("--force");
        Directory.EnumerateFileSystemEntries(temp["q"]).Select(Path.GetFileName).ShouldBe(["keep.txt"]);
    }

    [Fact]
    public void Quantize_AlreadyQuantizedInput_Fails()
    {
        using var temp = new TempFolder();
        TestModels.WriteFile(temp["model.safetensors"], TestModels.Block());
        ToolRun.Of("quantize", "--save-format", "rtn", temp["model.safetensors"], "-o", temp["q.safetensors"], "-g", TestModels.GroupSize).ShouldSucceed();

        var run = ToolRun.Of("quantize", "--save-format", "rtn", temp["q.safetensors"], "-o", temp["qq.safetensors"], "-g", TestModels.GroupSize);

        run.ExitCode.ShouldBe(ExitCodes.Failure);
        run.Error.ShouldContain($"{temp["q.safetensors"]} is already quantized (rtn)");
    }

    [Fact]
    public void Quantize_ConfigAlreadyQuantized_FailsNamingConfig()
    {
        using var temp = new TempFolder();
        TestModels.WriteFolder(temp["model"], TestModels.Block());
        File.WriteAllText(temp["model/config.json"], "{\"quantization_config\": {\"quant_method\": \"gptq\"}}");

        var run = ToolRun.Of("quantize", "--save-format", "rtn", temp["model"], "-o", temp["q"], "-g", TestModels.GroupSize);

        run.ExitCode.ShouldBe(ExitCodes.Failure);
        run.Error.ShouldContain(temp["model/config.json"]);
        run.Error.ShouldContain("gptq");
        Directory.Exists(temp["q"]).ShouldBeFalse();
    }

    [Fact]
    public void Dequantize_FullPrecisionInput_FailsNamingFile()
    {
        using var temp = new TempFolder();
        TestModels.WriteFile(temp["model.safetensors"], TestModels.Block());

        var run = ToolRun.Of("dequantize", temp["model.safetensors"], "-o", temp["d.safetensors"]);

        run.ExitCode.ShouldBe(ExitCodes.Failure);
        run.Error.ShouldContain($"{temp["model.safetensors"]}: not a quantized checkpoint");
        File.Exists(temp["d.safetensors"]).ShouldBeFalse();
    }

    [Fact]
    public void Dequantize_ScalesNotMatchingMetadata_FailsNamingTensor()
    {
        using var temp = new TempFolder();
        var metadata = new Dictionary<string, string> { ["quant_method"] = "rtn", ["rtn.bits"] = "4", ["rtn.group_size"] = "16", ["rtn.format"] = "signed" };
        TestModels.WriteFile(
            temp["q.safetensors"],
            [
                new TestTensor("layer.weight", SafetensorsDType.I8, [8, 32], new float[256]),
                new TestTensor("layer.scale", SafetensorsDType.F32, [8, 2], new float[16]),
            ],
            metadata);

        var run = ToolRun.Of("dequantize", temp["q.safetensors"], "-o", temp["d.safetensors"]);

        run.ExitCode.ShouldBe(ExitCodes.Failure, run.ToString());
        run.Error.ShouldContain("'layer.weight'");
        run.Error.ShouldContain("Q8G16");
        run.Error.ShouldContain("Q4G16");
    }

    [Fact]
    public void Eval_MissingTensor_FailsNamingIt()
    {
        using var temp = new TempFolder();
        var tensors = TestModels.Block();
        TestModels.WriteFile(temp["a.safetensors"], tensors);
        TestModels.WriteFile(temp["b.safetensors"], tensors[1..]);

        var run = ToolRun.Of("eval", temp["a.safetensors"], temp["b.safetensors"]);

        run.ExitCode.ShouldBe(ExitCodes.Failure);
        run.Error.ShouldContain($"{temp["b.safetensors"]} has no tensor 'model.embed_tokens.weight'");
    }

    [Theory]
    [InlineData("quantize", "--save-format", "rtn", "in.safetensors")]
    [InlineData("quantize", "--save-format", "rtn", "in.safetensors", "-o", "out.safetensors", "--bits", "5")]
    [InlineData("quantize", "--save-format", "rtn", "in.safetensors", "-o", "out.safetensors", "--group-size", "0")]
    [InlineData("quantize", "--save-format", "rtn", "in.safetensors", "-o", "out.safetensors", "--override", "down_proj")]
    [InlineData("quantize", "--save-format", "rtn", "in.safetensors", "-o", "out.safetensors", "--override", "down_proj=3")]
    [InlineData("quantize", "--save-format", "rtn", "in.safetensors", "-o", "out.safetensors", "--skip", "(unclosed")]
    [InlineData("quantize", "--save-format", "rtn", "in.safetensors", "-o", "out.safetensors", "--format", "packed")]
    [InlineData("quantize", "--save-format", "rtn", "in.safetensors", "-o", "out.safetensors", "--threads", "-1")]
    [InlineData("quantize", "--save-format", "rtn", "in.safetensors", "-o", "out.safetensors", "--no-such-option")]
    [InlineData("eval", "only-one")]
    [InlineData("bench", "--seconds", "0")]
    [InlineData("frobnicate")]
    public void Run_UsageError_ExitsWithTwoBeforeTouchingFiles(params string[] args)
    {
        var run = ToolRun.Of(args);

        run.ExitCode.ShouldBe(ExitCodes.Usage, run.ToString());
        run.Error.ShouldContain("error: ");
        run.Error.ShouldContain("--help");
    }

    [Fact]
    public void Quantize_MalformedEnvironmentVariable_IsAUsageErrorNamingIt()
    {
        using var temp = new TempFolder();
        TestModels.WriteFile(temp["model.safetensors"], TestModels.Block());

        var run = ToolRun.Of(new Dictionary<string, string> { ["RTN_NUM_BITS"] = "four" }, "quantize", "--save-format", "rtn", temp["model.safetensors"], "-o", temp["q.safetensors"]);

        run.ExitCode.ShouldBe(ExitCodes.Usage);
        run.Error.ShouldContain("RTN_NUM_BITS");
        File.Exists(temp["q.safetensors"]).ShouldBeFalse();
    }

    [Fact]
    public void Help_ListsDefaultSkipRules()
    {
        var run = ToolRun.Of("quantize", "--save-format", "rtn", "--help").ShouldSucceed();

        run.Output.ShouldContain("embeddings");
        run.Output.ShouldContain("lm_head");
        run.Output.ShouldContain("norm");
        run.Output.ShouldContain("RTN_NUM_BITS");
    }
}
