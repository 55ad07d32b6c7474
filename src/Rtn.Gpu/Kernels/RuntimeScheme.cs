using Rtn.Kernels;

namespace Rtn.Gpu.Kernels;

/// <summary>
/// A combination known only at run time. Its constants say "not fixed", which tells
/// <see cref="WeightLayout"/> to use the values passed with each launch; a generated scheme's
/// constants fold into the kernel instead.
/// </summary>
internal readonly struct RuntimeScheme : IRtnScheme
{
    public static int Bits => IRtnScheme.FromCall;

    public static int GroupSize => IRtnScheme.FromCall;
}
