using Rtn.Kernels;

namespace Rtn.Gpu.Kernels;

/// <summary>
/// What every kernel launch is told about the weight, passed by value. The bits and group size
/// here are the run-time values; kernels read them through <see cref="BitsOf{TScheme}"/> and
/// <see cref="GroupSizeOf{TScheme}"/>, which prefer the scheme's compile-time constants.
/// </summary>
internal readonly struct WeightLayout
{
    public WeightLayout(int bits, int groupSize, int rows, int columns, RtnFormat format)
    {
        Bits = bits;
        GroupSize = groupSize;
        Rows = rows;
        Columns = columns;
        GroupsPerRow = columns / groupSize;
        FormatMask = format == RtnFormat.Offset ? (bits == 4 ? 0x8888_8888u : 0x8080_8080u) : 0u;
    }

    /// <summary>Bits per code.</summary>
    public readonly int Bits;

    /// <summary>Columns per scale, resolved: the column count when quantizing per row.</summary>
    public readonly int GroupSize;

    /// <summary>Rows of the weight (all experts' rows for a stack).</summary>
    public readonly int Rows;

    /// <summary>Columns of the weight.</summary>
    public readonly int Columns;

    /// <summary>Scales per row.</summary>
    public readonly int GroupsPerRow;

    /// <summary>
    /// XOR that turns signed bytes into the stored layout and back: the offset layout is the
    /// signed one with the top bit of every code flipped (0x88 per byte at 4 bits, 0x80 at 8).
    /// </summary>
    public readonly uint FormatMask;

    /// <summary>Quantization groups in the whole weight.</summary>
    public int GroupCount => Rows * GroupsPerRow;

    /// <summary>Values in the whole weight.</summary>
    public int ElementCount => Rows * Columns;

    /// <summary>Bits per code: the scheme's constant, or the run-time value for <see cref="RuntimeScheme"/>.</summary>
    public static int BitsOf<TScheme>(WeightLayout layout)
        where TScheme : struct, IRtnScheme =>
        TScheme.Bits != IRtnScheme.FromCall ? TScheme.Bits : layout.Bits;

    /// <summary>Columns per scale: the scheme's constant, or the run-time value when per row or for <see cref="RuntimeScheme"/>.</summary>
    public static int GroupSizeOf<TScheme>(WeightLayout layout)
        where TScheme : struct, IRtnScheme =>
        TScheme.GroupSize > 0 ? TScheme.GroupSize : layout.GroupSize;
}
