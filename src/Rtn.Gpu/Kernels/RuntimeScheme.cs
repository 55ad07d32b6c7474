using Rtn.Kernels;

namespace Rtn.Gpu.Kernels;

/// <summary>
/// A combination known only at run time. Its constants say "not fixed", which tells
/// <see cref="WeightLayout"/> to use the values passed with each launch; a generated scheme's
/// constants fold into the kernel instead.
/// </summary>
internal readonly struct RuntimeScheme : IRtnScheme
{
    /// <summary>A scheme constant not fixed at compile time: -1, as for the CPU kernels' run-time schemes.</summary>
    public const int NotFixed = -1;

    public static int Bits => NotFixed;

    public static int GroupSize => NotFixed;
}
