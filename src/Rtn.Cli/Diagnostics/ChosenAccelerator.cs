using Rtn.Gpu;

namespace Rtn.Cli.Diagnostics;

/// <summary>
/// The accelerator <c>--backend</c> asked for, and a note to show when it is ILGPU's CPU
/// accelerator: its numbers check the kernels' logic and say nothing of a GPU's speed.
/// </summary>
internal sealed class ChosenAccelerator : IDisposable
{
    private ChosenAccelerator(RtnAccelerator accelerator, string? note)
    {
        (Accelerator, Note) = (accelerator, note);
    }

    public RtnAccelerator Accelerator { get; }

    /// <summary>Null on a real device.</summary>
    public string? Note { get; }

    /// <summary>"NVIDIA H100 80GB HBM3 (Cuda)".</summary>
    public string Description => $"{Accelerator.DeviceName} ({Accelerator.Backend})";

    /// <exception cref="ToolException">The backend named is not present.</exception>
    public static ChosenAccelerator Open(GpuBackend backend)
    {
        RtnAccelerator accelerator;
        try
        {
            accelerator = RtnAccelerator.Create(backend);
        }
        catch (InvalidOperationException e)
        {
            throw new ToolException($"--backend {backend.ToString().ToLowerInvariant()}: {e.Message}", e);
        }

        var note = (backend, accelerator.Backend) switch
        {
            (GpuBackend.Auto, GpuBackend.Cpu) => "no CUDA/OpenCL device: running on ILGPU's CPU accelerator — checks logic, not speed",
            (_, GpuBackend.Cpu) => "running on ILGPU's CPU accelerator (--backend cpu) — checks logic, not speed",
            _ => null,
        };
        return new ChosenAccelerator(accelerator, note);
    }

    public void Dispose() => Accelerator.Dispose();
}
