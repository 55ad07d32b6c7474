namespace Rtn.Gpu.Tests;

public sealed class GpuBenchmarkTests(CpuAcceleratorFixture fixture) : IClassFixture<CpuAcceleratorFixture>
{
    [Fact]
    public void Run_SmallMatrix_GivesOneRowPerKernelWithConsistentNumbers()
    {
        var benchmark = new GpuBenchmark(fixture.Accelerator) { Iterations = 2, WarmupIterations = 1 };

        var rows = benchmark.Run<Half>(new RtnConfig(4, 32), rows: 32, columns: 64, m: 5);

        rows.Select(r => r.Name.Split(' ')[0]).ShouldBe(["quantize", "dequantize", "matmul", "matmul"]);
        rows[2].Name.ShouldContain("m=1");
        rows[3].Name.ShouldContain("m=5");
        rows[0].Bytes.ShouldBe((32 * 64 * 2) + (32 * 64 / 2) + (32 * 2 * 2));
        foreach (var row in rows)
        {
            row.Seconds.ShouldBeGreaterThan(0);
            row.GigabytesPerSecond.ShouldBe(row.Bytes / row.Seconds / 1e9, tolerance: 1e-9 * row.GigabytesPerSecond);
            row.RatioToCopy.ShouldBe(row.GigabytesPerSecond / row.CopyGigabytesPerSecond, tolerance: 1e-9 * row.RatioToCopy);
        }
    }
}
