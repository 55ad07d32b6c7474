namespace Rtn.Gpu.Tests;

public sealed class RtnAcceleratorTests
{
    [Fact]
    public void Create_Auto_PicksAnAcceleratorAndNamesIt()
    {
        using var accelerator = RtnAccelerator.Create();

        accelerator.DeviceName.ShouldNotBeNullOrWhiteSpace();
        accelerator.Backend.ShouldNotBe(GpuBackend.Auto);
    }

    [Fact]
    public void Create_Cpu_IsTheCpuAccelerator()
    {
        using var accelerator = RtnAccelerator.Create(GpuBackend.Cpu);

        accelerator.Backend.ShouldBe(GpuBackend.Cpu);
    }

    [Fact]
    public void Create_CudaWithoutCudaDevice_ThrowsNamingWhatIsAvailable()
    {
        using (var probe = RtnAccelerator.Create())
        {
            if (probe.Backend == GpuBackend.Cuda)
            {
                return;
            }
        }

        var error = Should.Throw<InvalidOperationException>(() => RtnAccelerator.Create(GpuBackend.Cuda));

        error.Message.ShouldContain("No Cuda device");
    }

    [Fact]
    public void KernelsFor_SameCombinationTwice_ReturnsTheCachedKernels()
    {
        using var accelerator = RtnAccelerator.CreateCpu(multiprocessors: 1);

        accelerator.KernelsFor(new RtnConfig(8, 64)).ShouldBeSameAs(accelerator.KernelsFor(new RtnConfig(8, 64)));
    }

    [Fact]
    public void CreateCpu_ZeroThreadsPerWarp_Throws()
    {
        Should.Throw<ArgumentOutOfRangeException>(() => RtnAccelerator.CreateCpu(threadsPerWarp: 0));
    }
}
