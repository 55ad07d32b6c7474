namespace Rtn;

/// <summary>
/// Asks the kernel generator for kernels specialized to (<paramref name="bits"/>,
/// <paramref name="groupSize"/>). A use of <c>RtnKernels&lt;BitsN, GM&gt;</c> in code asks
/// for the same thing; the attribute is for combinations chosen only at run time through
/// <see cref="RtnKernels.For(RtnConfig)"/>.
/// </summary>
/// <param name="bits">4 or 8.</param>
/// <param name="groupSize">Columns per scale, or -1 for one group per row.</param>
[AttributeUsage(AttributeTargets.Assembly, AllowMultiple = true)]
public sealed class RtnKernelAttribute(int bits, int groupSize) : Attribute
{
    /// <summary>Bits per code.</summary>
    public int Bits { get; } = bits;

    /// <summary>Columns per scale, or -1.</summary>
    public int GroupSize { get; } = groupSize;
}
