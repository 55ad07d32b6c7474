namespace Rtn.Kernels;

/// <summary>
/// 4-bit codes with the group size taken from each call: what <see cref="GenericRtnKernels"/>
/// runs for combinations nothing generated. The drivers are the same; only the group loop
/// bounds stay variables.
/// </summary>
internal readonly struct RuntimeQ4 : IRtnScheme
{
    public static int Bits => 4;

    /// <summary>Not fixed: the drivers use the group size of the call.</summary>
    public static int GroupSize => IRtnScheme.FromCall;
}

/// <summary>8-bit codes with the group size taken from each call; see <see cref="RuntimeQ4"/>.</summary>
internal readonly struct RuntimeQ8 : IRtnScheme
{
    public static int Bits => 8;

    /// <summary>Not fixed: the drivers use the group size of the call.</summary>
    public static int GroupSize => IRtnScheme.FromCall;
}
