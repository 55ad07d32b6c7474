using System.ComponentModel;

namespace Rtn.Kernels;

/// <summary>
/// Written by the kernel generator into the Rtn library, once per combination it registers,
/// so that the generator in a project referencing the library emits nothing for those
/// combinations. Only the library carries it: its registration is sure to have run before any
/// kernel lookup, because the lookup lives in the same assembly.
/// </summary>
/// <param name="bits">Bits per code.</param>
/// <param name="groupSize">Columns per scale, or -1 for one group per row.</param>
[EditorBrowsable(EditorBrowsableState.Never)]
[AttributeUsage(AttributeTargets.Assembly, AllowMultiple = true)]
public sealed class RtnProvidesKernelsAttribute(int bits, int groupSize) : Attribute
{
    /// <summary>Bits per code.</summary>
    public int Bits { get; } = bits;

    /// <summary>Columns per scale, or -1.</summary>
    public int GroupSize { get; } = groupSize;
}
