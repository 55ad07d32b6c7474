namespace Rtn;

/// <summary>A code width as a type, so <see cref="RtnKernels{TBits, TGroup}"/> can be specialized on it.</summary>
public interface IRtnBits
{
    /// <summary>Bits per code: 4 or 8.</summary>
    static abstract int Value { get; }
}

/// <summary>A group size as a type. Markers such as <c>G128</c> are generated per combination a program uses.</summary>
public interface IRtnGroupSize
{
    /// <summary>Columns per scale, or -1 for one group per row.</summary>
    static abstract int Value { get; }
}

/// <summary>4-bit codes, −8..7, two per byte.</summary>
public readonly struct Bits4 : IRtnBits
{
    /// <inheritdoc/>
    public static int Value => 4;
}

/// <summary>8-bit codes, −128..127, one per byte.</summary>
public readonly struct Bits8 : IRtnBits
{
    /// <inheritdoc/>
    public static int Value => 8;
}
