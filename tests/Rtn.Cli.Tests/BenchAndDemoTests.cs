using System.Text.Json;
using Rtn.Cli.Pipeline.Planning;
using Rtn.Cli.Samples;
using Rtn.Safetensors;

namespace Rtn.Cli.Tests;

public class BenchAndDemoTests
{
    [Fact]
    public void Bench_Json_ReportsEachOperationNextToItsBaseline()
    {
        var run = ToolRun.Of("bench", "--rows", "64", "--columns", "128", "--size-mib", "1", "--seconds", "0.01", "-b", "4", "-g", "32", "--json").ShouldSucceed();

        using var json = JsonDocument.Parse(run.Output);
        var root = json.RootElement;
        root.GetProperty("scheme").GetString().ShouldBe("Q4G32");
        root.GetProperty("matrices").GetInt32().ShouldBe(64);

        // The product rotates through 1 MiB of its own bytes too: 4,608 per matrix.
        root.GetProperty("quantizedMatrices").GetInt32().ShouldBe(228);
        var operations = root.GetProperty("measurements").EnumerateArray().ToArray();
        operations.Select(o => o.GetProperty("operation").GetString()).ShouldBe(["quantize", "dequantize", "matmul m=1", "matmul m=1 int8 activations"]);
        foreach (var operation in operations)
        {
            operation.GetProperty("secondsPerMatrix").GetDouble().ShouldBeGreaterThan(0);
            operation.GetProperty("baselineSecondsPerMatrix").GetDouble().ShouldBeGreaterThan(0);
            operation.GetProperty("ratio").GetDouble().ShouldBeGreaterThan(0);
        }

        operations[0].GetProperty("bytesPerMatrix").GetInt64().ShouldBe(64 * 128 * 2);
        operations[2].GetProperty("bytesPerMatrix").GetInt64().ShouldBe((64 * 128 / 2) + (64 * 4 * 2));
        operations.Select(o => o.GetProperty("baseline").GetString()).ShouldBe(["copy", "copy", "read", "read"]);
    }

    [Fact]
    public void Bench_Table_NamesTheCombinationAndCopy()
    {
        var run = ToolRun.Of("bench", "--rows", "32", "--columns", "64", "--size-mib", "1", "--seconds", "0.01", "-b", "8", "-g", "-1").ShouldSucceed();

        run.Output.ShouldContain("Q8Row signed on BF16 [32, 64]");
        run.Output.ShouldContain("matmul m=1");
        run.Output.ShouldContain("Ratio");
    }

    [Fact]
    public void Bench_F32Json_CountsFourBytesPerWeight()
    {
        var run = ToolRun.Of("bench", "--rows", "16", "--columns", "64", "--size-mib", "1", "--seconds", "0.01", "-b", "8", "-g", "32", "--dtype", "f32", "--json").ShouldSucceed();

        using var json = JsonDocument.Parse(run.Output);
        var root = json.RootElement;
        root.GetProperty("dtype").GetString().ShouldBe("F32");
        root.GetProperty("matrices").GetInt32().ShouldBe(256);
        root.GetProperty("quantizedMatrices").GetInt32().ShouldBe(911);
        var operations = root.GetProperty("measurements").EnumerateArray().ToArray();
        operations[0].GetProperty("bytesPerMatrix").GetInt64().ShouldBe(16 * 64 * 4);
        operations[2].GetProperty("bytesPerMatrix").GetInt64().ShouldBe((16 * 64) + (16 * 2 * 4));
    }

    [Theory]
    [InlineData("exact", "matmul m=1")]
    [InlineData("int8", "matmul m=1 int8 activations")]
    public void Bench_Activations_MeasuresThatProductAgainstARead(string activations, string product)
    {
        var run = ToolRun.Of("bench", "--rows", "16", "--columns", "128", "--size-mib", "1", "--seconds", "0.01", "-b", "4", "-g", "128", "--activations", activations, "--json").ShouldSucceed();

        using var json = JsonDocument.Parse(run.Output);
        var operations = json.RootElement.GetProperty("measurements").EnumerateArray().ToArray();
        operations.Select(o => o.GetProperty("operation").GetString()).ShouldBe(["quantize", "dequantize", product]);
        operations[2].GetProperty("baseline").GetString().ShouldBe("read");
    }

    [Fact]
    public void Bench_ActivationsOnGpu_IsAUsageErrorNamingTheOption()
    {
        var run = ToolRun.Of("bench", "--device", "gpu", "--activations", "int8");

        run.ExitCode.ShouldBe(ExitCodes.Usage);
        run.Error.ShouldContain("--activations");
    }

    [Fact]
    public void Bench_ShapeNotFittingGroupSize_IsAUsageError()
    {
        var run = ToolRun.Of("bench", "--rows", "32", "--columns", "48", "-g", "32");

        run.ExitCode.ShouldBe(ExitCodes.Usage);
        run.Error.ShouldContain("g = 32");
    }

    [Fact]
    public void Demo_SmallModel_ShowsCheckpointsProjectionsAndLayerThenCleansUp()
    {
        var before = Directory.EnumerateDirectories(Path.GetTempPath(), "rtn-demo-*").ToHashSet();

        var run = ToolRun.Of("demo", "--layers", "2", "--hidden", "64", "-g", "32").ShouldSucceed();

        run.Output.ShouldContain("Sample model");
        run.Output.ShouldMatch(@"Q8G32\s+14\s");
        run.Output.ShouldMatch(@"Q4G32\s+14\s");
        run.Output.ShouldContain("down_proj");
        run.Output.ShouldContain("dense fp32");
        run.Output.ShouldContain("RtnLinear<BFloat16> Q4G32 (fused kernel)");
        Directory.EnumerateDirectories(Path.GetTempPath(), "rtn-demo-*").Where(d => !before.Contains(d)).ShouldBeEmpty();
    }

    [Fact]
    public void Demo_SampleModel_IsDeterministicAndQuantizesToSmallError()
    {
        using var temp = new TempFolder();
        var spec = SampleModelSpec.Scaled(2, 64);

        var result = new DemoScenario(temp.Path, spec, [new RtnConfig(8, 32)], default).Run(_ => { }, _ => { });
        SampleModel.Write(temp["again"], spec, 2024);

        result.Checkpoints[0].Comparison.Total.SqnrDb.ShouldBeGreaterThan(30);
        result.Layer.Count.ShouldBe(2);
        File.ReadAllBytes(temp["again/model-00001-of-00002.safetensors"]).ShouldBe(File.ReadAllBytes(temp["original/model-00001-of-00002.safetensors"]));
    }

    [Fact]
    public void MakeCheckpoint_WritesBF16Matrices()
    {
        using var temp = new TempFolder();

        ToolRun.Of("demo", "--make-checkpoint", temp["big.safetensors"], "--matrices", "3", "--rows", "16", "--columns", "32").ShouldSucceed();

        using var file = SafetensorsFile.Open(temp["big.safetensors"]);
        file.Tensors.Count.ShouldBe(3);
        file.Tensors.ShouldAllBe(t => t.DType == SafetensorsDType.BF16 && t.Shape.SequenceEqual(new long[] { 16, 32 }));
        new TensorSelector(new QuantizationScheme(new RtnConfig(4, 32), RtnFormat.Signed, []), SkipRule.Defaults)
            .Plan(file.Tensors[0]).Action.ShouldBe(TensorAction.Quantize);
    }
}
