using Rtn.Cli.Diagnostics.SelfChecks;

namespace Rtn.Cli.Tests;

public sealed class GpuSelfCheckTests(CpuAcceleratorFixture fixture) : IClassFixture<CpuAcceleratorFixture>
{
    [Fact]
    public void Run_OnCpuAccelerator_ChecksEveryLibraryCombinationAndPasses()
    {
        var rows = GpuSelfCheck.Run(fixture.Accelerator, rows: 4, columns: 256, m: 2);

        rows.Count.ShouldBe(2 * 5 * 2 * 3);
        rows.Select(r => r.Name).Distinct().Count().ShouldBe(rows.Count);
        rows.Where(r => !r.Passed).ShouldBeEmpty();
    }

    [Fact]
    public void Run_ColumnsNotMultipleOf256_ThrowsNamingShape()
    {
        Should.Throw<ArgumentException>(() => GpuSelfCheck.Run(fixture.Accelerator, rows: 4, columns: 100))
            .Message.ShouldContain("[4, 100]");
    }
}
