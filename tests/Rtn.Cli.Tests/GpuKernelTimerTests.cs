using Rtn.Cli.Diagnostics.Benchmarks;

namespace Rtn.Cli.Tests;

public sealed class GpuKernelTimerTests(CpuAcceleratorFixture fixture) : IClassFixture<CpuAcceleratorFixture>
{
    [Fact]
    public void Run_SmallMatrix_GivesOneTimingPerKernelWithConsistentNumbers()
    {
        var timer = new GpuKernelTimer(fixture.Accelerator) { Iterations = 2, WarmupIterations = 1 };

        var timings = timer.Run<Half>(new RtnConfig(4, 32), rows: 32, columns: 64, m: 5);

        timings.Select(t => t.Name.Split(' ')[0]).ShouldBe(["quantize", "dequantize", "matmul", "matmul"]);
        timings[2].Name.ShouldContain("m=1");
        timings[3].Name.ShouldContain("m=5");
        timings[0].Bytes.ShouldBe((32 * 64 * 2) + (32 * 64 / 2) + (32 * 2 * 2));
        foreach (var timing in timings)
        {
            timing.Seconds.ShouldBeGreaterThan(0);
            timing.GigabytesPerSecond.ShouldBe(timing.Bytes / timing.Seconds / 1e9, tolerance: 1e-9 * timing.GigabytesPerSecond);
            timing.RatioToCopy.ShouldBe(timing.GigabytesPerSecond / timing.CopyGigabytesPerSecond, tolerance: 1e-9 * timing.RatioToCopy);
        }
    }
}
