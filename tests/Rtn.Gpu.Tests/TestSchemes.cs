using Rtn.Kernels;

namespace Rtn.Gpu.Tests;

/// <summary>Hand-written schemes in the shape the generator emits, for the specialized path.</summary>
internal readonly struct Q4G8 : IRtnScheme
{
    public static int Bits => 4;

    public static int GroupSize => 8;
}

internal readonly struct Q8Row : IRtnScheme
{
    public static int Bits => 8;

    public static int GroupSize => -1;
}

internal readonly struct Q4G128 : IRtnScheme
{
    public static int Bits => 4;

    public static int GroupSize => 128;
}
