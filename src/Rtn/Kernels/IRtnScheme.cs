using System.ComponentModel;

namespace Rtn.Kernels;

/// <summary>
/// What a generated kernel supplies for its combination: compile-time constants that the JIT
/// folds into the generic drivers, so every group loop runs with a constant trip count and the
/// 4-bit or 8-bit paths alone remain. Nothing else differs per combination: a group loop
/// unrolled by hand for <c>Q4G128</c> measured no faster than the folded generic one.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public interface IRtnScheme
{
    /// <summary>Bits per code, or <see cref="FromCall"/>.</summary>
    static abstract int Bits { get; }

    /// <summary>
    /// The value of a constant that a scheme leaves to each call: the group size of the CPU
    /// kernels for combinations nothing generated, and bits and group size of the GPU's run-time
    /// scheme. Never a valid bit width or group size, so it cannot be mistaken for one, nor for
    /// -1, one group per row.
    /// </summary>
    const int FromCall = 0;

    /// <summary>Columns per scale, -1 for one group per row, or <see cref="FromCall"/>.</summary>
    static abstract int GroupSize { get; }
}
