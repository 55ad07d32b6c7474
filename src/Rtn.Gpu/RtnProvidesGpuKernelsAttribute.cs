using System.ComponentModel;

namespace Rtn.Gpu;

/// <summary>
/// Written by the kernel generator into Rtn.Gpu, once per combination whose GPU kernels it
/// registers, so that the generator in a project referencing Rtn.Gpu emits no GPU kernels for
/// them. Only Rtn.Gpu carries it: its registration is sure to have run before any kernel lookup,
/// because the lookup lives in the same assembly.
/// </summary>
/// <param name="bits">Bits per code.</param>
/// <param name="groupSize">Columns per scale, or -1 for one group per row.</param>
[EditorBrowsable(EditorBrowsableState.Never)]
[AttributeUsage(AttributeTargets.Assembly, AllowMultiple = true)]
public sealed class RtnProvidesGpuKernelsAttribute(int bits, int groupSize) : Attribute
{
    /// <summary>Bits per code.</summary>
    public int Bits { get; } = bits;

    /// <summary>Columns per scale, or -1.</summary>
    public int GroupSize { get; } = groupSize;
}
