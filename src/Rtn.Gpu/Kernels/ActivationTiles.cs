namespace Rtn.Gpu.Kernels;

/// <summary>How many activation rows one warp multiplies against each weight row it decodes.</summary>
internal interface IActivationTile
{
    static abstract int Rows { get; }
}

/// <summary>One activation row: the matrix-vector product, m = 1.</summary>
internal readonly struct OneActivationRow : IActivationTile
{
    public static int Rows => 1;
}

/// <summary>Four activation rows per warp, for m &gt; 1: each weight chunk is decoded once and used four times.</summary>
internal readonly struct FourActivationRows : IActivationTile
{
    public static int Rows => 4;
}
