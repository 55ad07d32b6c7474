using System.Text.Json;

namespace Rtn.Cli.Tests;

/// <summary>
/// <c>bench --device gpu</c> and <c>gpu-check</c> on ILGPU's CPU accelerator, which runs the same
/// kernels as a GPU: tiny shapes, so every simulated thread's OS thread finishes quickly.
/// </summary>
public class GpuCommandTests
{
    [Fact]
    public void BenchGpu_CpuAcceleratorJson_ReportsEveryKernelWithPositiveBandwidthNextToTheCopy()
    {
        var run = ToolRun.Of(
            "bench", "--device", "gpu", "--backend", "cpu", "--rows", "16", "--columns", "256", "--iterations", "1", "--m", "2",
            "-b", "4", "-g", "32", "--json").ShouldSucceed();

        using var json = JsonDocument.Parse(run.Output);
        var root = json.RootElement;
        root.GetProperty("device").GetString().ShouldBe("gpu");
        root.GetProperty("backend").GetString().ShouldBe("Cpu");
        root.GetProperty("dtype").GetString().ShouldBe("BF16");
        root.GetProperty("scheme").GetString().ShouldBe("Q4G32");
        root.GetProperty("notes").EnumerateArray().Select(n => n.GetString()).ShouldContain(n => n!.Contains("checks logic, not speed"));
        run.Error.ShouldContain("warning: running on ILGPU's CPU accelerator");
        var kernels = root.GetProperty("measurements").EnumerateArray().ToArray();
        kernels.Select(k => k.GetProperty("kernel").GetString()).ShouldBe(
            ["quantize Q4G32 BF16 16x256", "dequantize Q4G32 BF16 16x256", "matmul m=1 Q4G32 BF16 16x256", "matmul m=2 Q4G32 BF16 16x256"]);
        foreach (var kernel in kernels)
        {
            var (rate, copy) = (kernel.GetProperty("gigabytesPerSecond").GetDouble(), kernel.GetProperty("copyGigabytesPerSecond").GetDouble());
            rate.ShouldBeGreaterThan(0);
            copy.ShouldBeGreaterThan(0);
            kernel.GetProperty("ratioToCopy").GetDouble().ShouldBe(rate / copy, tolerance: 1e-9 * rate / copy);
            kernel.GetProperty("rows").GetInt32().ShouldBe(16);
        }

        // 16×256 BF16 weights in, 4-bit codes and one BF16 scale per 32 values out.
        kernels[0].GetProperty("bytesPerCall").GetInt64().ShouldBe((16 * 256 * 2) + (16 * 256 / 2) + (16 * 8 * 2));
    }

    [Fact]
    public void BenchGpu_AutoBackendTable_NamesTheDeviceAndEachKernelWithItsCopy()
    {
        var run = ToolRun.Of(
            "bench", "--device", "gpu", "--rows", "8", "--columns", "512", "--iterations", "1", "--m", "3",
            "-b", "8", "-g", "-1", "--dtype", "f32", "-f", "offset").ShouldSucceed();

        run.Output.ShouldContain("Device: ");
        run.Output.ShouldContain("Q8Row offset on F32");
        run.Output.ShouldContain("matmul m=1 Q8Row F32 8x512");
        run.Output.ShouldContain("matmul m=3 Q8Row F32 8x512");
        run.Output.ShouldContain("Of copy");
        if (run.Output.Contains("(Cpu)"))
        {
            run.Output.ShouldContain("no CUDA/OpenCL device: running on ILGPU's CPU accelerator — checks logic, not speed");
        }
    }

    [Fact]
    public void GpuCheck_CpuAcceleratorTinyShape_PassesAndPrintsEveryCombination()
    {
        var run = ToolRun.Of("gpu-check", "--backend", "cpu", "--rows", "4", "--columns", "256", "--m", "2").ShouldSucceed();

        foreach (var bits in new[] { 4, 8 })
        {
            foreach (var group in new[] { "G32", "G64", "G128", "G256", "Row" })
            {
                foreach (var type in new[] { "F32", "F16", "BF16" })
                {
                    foreach (var format in new[] { "Signed", "Offset" })
                    {
                        run.Output.ShouldMatch($@"Q{bits}{group} {type} {format} 4x256 m=2\s+exact\s+exact\s+\S+\s+\S+\s+pass");
                    }
                }
            }
        }

        run.Output.ShouldContain("checks logic, not speed");
        run.Output.ShouldContain("All 60 checks passed");
    }

    [Theory]
    [InlineData("bench", "--device", "gpu", "--backend", "vulkan")]
    [InlineData("gpu-check", "--backend", "vulkan")]
    [InlineData("bench", "--device", "tpu")]
    [InlineData("bench", "--device", "gpu", "--dtype", "f64")]
    [InlineData("bench", "--device", "gpu", "--m", "1")]
    [InlineData("gpu-check", "--m", "0")]
    public void GpuCommands_UnknownOrOutOfRangeValue_ExitWithTwo(params string[] args)
    {
        var run = ToolRun.Of(args);

        run.ExitCode.ShouldBe(ExitCodes.Usage, run.ToString());
        run.Error.ShouldContain("--help");
    }

    [Theory]
    [InlineData("--threads", "--device gpu", "bench", "--device", "gpu", "--threads", "2")]
    [InlineData("--seconds", "--device gpu", "bench", "--device", "gpu", "--seconds", "1")]
    [InlineData("--backend", "--device cpu", "bench", "--backend", "cpu")]
    [InlineData("--iterations", "--device cpu", "bench", "--iterations", "3")]
    public void Bench_OptionOfTheOtherDevice_IsAUsageErrorNamingIt(string option, string device, params string[] args)
    {
        var run = ToolRun.Of(args);

        run.ExitCode.ShouldBe(ExitCodes.Usage, run.ToString());
        run.Error.ShouldContain($"{option} does not apply to {device}");
    }

    [Fact]
    public void GpuCheck_ColumnsNotAMultipleOf256_IsAUsageErrorNamingTheShape()
    {
        var run = ToolRun.Of("gpu-check", "--backend", "cpu", "--rows", "4", "--columns", "200");

        run.ExitCode.ShouldBe(ExitCodes.Usage);
        run.Error.ShouldContain("[4, 200]");
    }

    [Fact]
    public void BenchGpu_ShapeNotFittingGroupSize_IsAUsageErrorBeforeOpeningADevice()
    {
        var run = ToolRun.Of("bench", "--device", "gpu", "--rows", "8", "--columns", "96", "-g", "64");

        run.ExitCode.ShouldBe(ExitCodes.Usage);
        run.Error.ShouldContain("g = 64");
        run.Output.ShouldNotContain("Device:");
    }
}
