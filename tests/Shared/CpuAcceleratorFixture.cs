using Rtn.Gpu;

namespace Rtn.Testing;

/// <summary>
/// One CPU accelerator per test class. Warps of four threads make every lane loop run several
/// times on the small shapes the properties use, and few OS threads keep launches cheap.
/// </summary>
public sealed class CpuAcceleratorFixture : IDisposable
{
    public RtnAccelerator Accelerator { get; } = RtnAccelerator.CreateCpu(threadsPerWarp: 4, warpsPerGroup: 2, multiprocessors: 2);

    public void Dispose() => Accelerator.Dispose();
}
