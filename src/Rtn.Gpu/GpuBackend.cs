namespace Rtn.Gpu;

/// <summary>Which kind of ILGPU accelerator runs the kernels.</summary>
public enum GpuBackend
{
    /// <summary>CUDA if an NVIDIA device is present, else OpenCL, else the CPU accelerator.</summary>
    Auto,

    /// <summary>An NVIDIA GPU through CUDA (PTX); fp32 division is IEEE-exact (<c>div.rn.f32</c>).</summary>
    Cuda,

    /// <summary>
    /// An OpenCL device. OpenCL allows fp32 division within 2.5 ulp unless the device reports
    /// correctly rounded division, so quantized codes can differ from the reference on some devices.
    /// </summary>
    OpenCL,

    /// <summary>ILGPU's CPU accelerator, which runs the same kernels with simulated warps: for testing, not speed.</summary>
    Cpu,
}
