using System.Globalization;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Rtn.Kernels.Simd;

namespace Rtn;

/// <summary>
/// The bfloat16 format: the top 16 bits of an IEEE binary32 (1 sign, 8 exponent, 7 mantissa
/// bits). Conversions from <see cref="float"/> round to nearest, ties to even, as PyTorch and
/// CUDA do; NaN stays NaN.
/// </summary>
[StructLayout(LayoutKind.Sequential, Size = 2)]
public readonly struct BFloat16 : IEquatable<BFloat16>, IComparable<BFloat16>, IFormattable
{
    private BFloat16(ushort bits) => RawValue = bits;

    /// <summary>The 16 stored bits.</summary>
    public ushort RawValue { get; }

    /// <summary>Largest finite value, about 3.39e38.</summary>
    public static BFloat16 MaxValue => new(0x7F7F);

    /// <summary>Positive infinity.</summary>
    public static BFloat16 PositiveInfinity => new(0x7F80);

    /// <summary>Negative infinity.</summary>
    public static BFloat16 NegativeInfinity => new(0xFF80);

    /// <summary>A quiet NaN.</summary>
    public static BFloat16 NaN => new(0x7FC0);

    /// <summary>Smallest positive subnormal, 2^-133.</summary>
    public static BFloat16 Epsilon => new(0x0001);

    /// <summary>Reinterprets 16 bits as a bfloat16.</summary>
    public static BFloat16 FromRawValue(ushort bits) => new(bits);

    /// <summary>Whether the value is NaN.</summary>
    public static bool IsNaN(BFloat16 value) => (value.RawValue & 0x7FFF) > 0x7F80;

    /// <summary>Whether the value is neither NaN nor infinite.</summary>
    public static bool IsFinite(BFloat16 value) => (value.RawValue & 0x7F80) != 0x7F80;

    /// <summary>Rounds to the nearest bfloat16, ties to even; NaN becomes a quiet NaN with the same sign.</summary>
    public static explicit operator BFloat16(float value) => new(RoundToUpperHalf(BitConverter.SingleToUInt32Bits(value)));

    /// <summary>Exact: every bfloat16 is a float.</summary>
    public static implicit operator float(BFloat16 value) => BitConverter.UInt32BitsToSingle((uint)value.RawValue << 16);

    /// <summary>Converts every element exactly; vectorized.</summary>
    public static void ConvertToSingle(ReadOnlySpan<BFloat16> source, Span<float> destination)
    {
        if (destination.Length < source.Length)
        {
            throw new ArgumentException($"Destination holds {destination.Length} values, source has {source.Length}.", nameof(destination));
        }

        ElementConversions.Widen(VectorTiers.Best, source, destination);
    }

    /// <summary>Rounds every element to nearest, ties to even (NaN kept NaN); vectorized.</summary>
    public static void ConvertFromSingle(ReadOnlySpan<float> source, Span<BFloat16> destination)
    {
        if (destination.Length < source.Length)
        {
            throw new ArgumentException($"Destination holds {destination.Length} values, source has {source.Length}.", nameof(destination));
        }

        ElementConversions.Narrow(VectorTiers.Best, source, destination);
    }

    /// <summary>
    /// Rounds binary32 bits to their upper 16 bits, ties to even. Adding 0x7FFF plus the kept
    /// lowest bit carries into the kept half exactly when the dropped half is above one half,
    /// or equal to it with an odd kept half; a carry out of the mantissa correctly bumps the
    /// exponent, and from the largest finite value on to infinity.
    /// </summary>
    internal static ushort RoundToUpperHalf(uint bits)
    {
        if ((bits & 0x7FFF_FFFF) > 0x7F80_0000)
        {
            return (ushort)((bits >> 16) | 0x0040);
        }

        return (ushort)((bits + 0x7FFF + ((bits >> 16) & 1)) >> 16);
    }

    /// <summary>
    /// The same rounding as <see cref="RoundToUpperHalf(uint)"/>, lane by lane at any width; the
    /// result sits in the low 16 bits of each lane.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static TVector RoundToUpperHalf<TWidth, TVector>(TVector bits)
        where TWidth : struct, ISimdWidth<TVector>
        where TVector : struct
    {
        var rounded = TWidth.ShiftRight(Lanes<TWidth, TVector>.RoundToEven(bits, 16), 16);
        var quietNaN = TWidth.Or(TWidth.ShiftRight(bits, 16), TWidth.BroadcastBits(0x0040));
        var isNaN = TWidth.GreaterThanBits(TWidth.And(bits, TWidth.BroadcastBits(0x7FFF_FFFF)), TWidth.BroadcastBits(0x7F80_0000));
        return TWidth.Select(isNaN, quietNaN, rounded);
    }

    /// <summary>
    /// Value equality as <see cref="float.Equals(float)"/> defines it: +0 equals -0, and NaN
    /// equals NaN so that <c>x.Equals(x)</c> always holds (hash sets, test assertions); the
    /// <c>==</c> operator keeps IEEE semantics, where NaN equals nothing.
    /// </summary>
    public bool Equals(BFloat16 other) => ((float)this).Equals(other);

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is BFloat16 other && Equals(other);

    /// <inheritdoc/>
    public override int GetHashCode() => ((float)this).GetHashCode();

    /// <inheritdoc/>
    public int CompareTo(BFloat16 other) => ((float)this).CompareTo(other);

    /// <inheritdoc/>
    public override string ToString() => ((float)this).ToString(CultureInfo.InvariantCulture);

    /// <inheritdoc/>
    public string ToString(string? format, IFormatProvider? formatProvider) => ((float)this).ToString(format, formatProvider);

    /// <summary>IEEE equality: NaN equals nothing, +0 equals -0.</summary>
    public static bool operator ==(BFloat16 left, BFloat16 right) => (float)left == right;

    /// <summary>IEEE inequality: NaN differs from everything, itself included.</summary>
    public static bool operator !=(BFloat16 left, BFloat16 right) => (float)left != right;

    /// <summary>IEEE ordering.</summary>
    public static bool operator <(BFloat16 left, BFloat16 right) => (float)left < right;

    /// <summary>IEEE ordering.</summary>
    public static bool operator >(BFloat16 left, BFloat16 right) => (float)left > right;

    /// <summary>IEEE ordering.</summary>
    public static bool operator <=(BFloat16 left, BFloat16 right) => (float)left <= right;

    /// <summary>IEEE ordering.</summary>
    public static bool operator >=(BFloat16 left, BFloat16 right) => (float)left >= right;
}
