using System.ComponentModel;

namespace Rtn.Kernels;

/// <summary>
/// What a generated kernel supplies for its combination: compile-time constants that the JIT
/// folds into the generic drivers.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public interface IRtnScheme
{
    /// <summary>Bits per code.</summary>
    static abstract int Bits { get; }

    /// <summary>Columns per scale, or -1 for one group per row.</summary>
    static abstract int GroupSize { get; }
}
