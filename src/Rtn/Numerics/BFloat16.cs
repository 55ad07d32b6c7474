using System.Globalization;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

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

        var bits = MemoryMarshal.Cast<BFloat16, ushort>(source);
        var wide = MemoryMarshal.Cast<float, uint>(destination);
        var i = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            for (; i <= bits.Length - Vector512<ushort>.Count; i += Vector512<ushort>.Count)
            {
                var (lower, upper) = Vector512.Widen(Vector512.Create(bits.Slice(i, Vector512<ushort>.Count)));
                (lower << 16).CopyTo(wide.Slice(i));
                (upper << 16).CopyTo(wide.Slice(i + Vector512<uint>.Count));
            }
        }
        else if (Vector256.IsHardwareAccelerated)
        {
            for (; i <= bits.Length - Vector256<ushort>.Count; i += Vector256<ushort>.Count)
            {
                var (lower, upper) = Vector256.Widen(Vector256.Create(bits.Slice(i, Vector256<ushort>.Count)));
                (lower << 16).CopyTo(wide.Slice(i));
                (upper << 16).CopyTo(wide.Slice(i + Vector256<uint>.Count));
            }
        }

        for (; i < bits.Length; i++)
        {
            wide[i] = (uint)bits[i] << 16;
        }
    }

    /// <summary>Rounds every element to nearest, ties to even (NaN kept NaN); vectorized.</summary>
    public static void ConvertFromSingle(ReadOnlySpan<float> source, Span<BFloat16> destination)
    {
        if (destination.Length < source.Length)
        {
            throw new ArgumentException($"Destination holds {destination.Length} values, source has {source.Length}.", nameof(destination));
        }

        var wide = MemoryMarshal.Cast<float, uint>(source);
        var bits = MemoryMarshal.Cast<BFloat16, ushort>(destination);
        var i = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            for (; i <= wide.Length - Vector512<ushort>.Count; i += Vector512<ushort>.Count)
            {
                var lower = RoundToUpperHalf(Vector512.Create(wide.Slice(i, Vector512<uint>.Count)));
                var upper = RoundToUpperHalf(Vector512.Create(wide.Slice(i + Vector512<uint>.Count, Vector512<uint>.Count)));
                Vector512.Narrow(lower, upper).CopyTo(bits.Slice(i));
            }
        }
        else if (Vector256.IsHardwareAccelerated)
        {
            for (; i <= wide.Length - Vector256<ushort>.Count; i += Vector256<ushort>.Count)
            {
                var lower = RoundToUpperHalf(Vector256.Create(wide.Slice(i, Vector256<uint>.Count)));
                var upper = RoundToUpperHalf(Vector256.Create(wide.Slice(i + Vector256<uint>.Count, Vector256<uint>.Count)));
                Vector256.Narrow(lower, upper).CopyTo(bits.Slice(i));
            }
        }

        for (; i < wide.Length; i++)
        {
            bits[i] = RoundToUpperHalf(wide[i]);
        }
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

    /// <summary>The same rounding as <see cref="RoundToUpperHalf(uint)"/>, lane by lane; the result sits in the low 16 bits.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector512<uint> RoundToUpperHalf(Vector512<uint> bits)
    {
        var rounded = (bits + Vector512.Create(0x7FFFu) + ((bits >> 16) & Vector512<uint>.One)) >> 16;
        var quietNaN = (bits >> 16) | Vector512.Create(0x0040u);
        var isNaN = Vector512.GreaterThan(bits & Vector512.Create(0x7FFF_FFFFu), Vector512.Create(0x7F80_0000u));
        return Vector512.ConditionalSelect(isNaN, quietNaN, rounded);
    }

    /// <inheritdoc cref="RoundToUpperHalf(Vector512{uint})"/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector256<uint> RoundToUpperHalf(Vector256<uint> bits)
    {
        var rounded = (bits + Vector256.Create(0x7FFFu) + ((bits >> 16) & Vector256<uint>.One)) >> 16;
        var quietNaN = (bits >> 16) | Vector256.Create(0x0040u);
        var isNaN = Vector256.GreaterThan(bits & Vector256.Create(0x7FFF_FFFFu), Vector256.Create(0x7F80_0000u));
        return Vector256.ConditionalSelect(isNaN, quietNaN, rounded);
    }

    /// <inheritdoc cref="RoundToUpperHalf(Vector512{uint})"/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector128<uint> RoundToUpperHalf(Vector128<uint> bits)
    {
        var rounded = (bits + Vector128.Create(0x7FFFu) + ((bits >> 16) & Vector128<uint>.One)) >> 16;
        var quietNaN = (bits >> 16) | Vector128.Create(0x0040u);
        var isNaN = Vector128.GreaterThan(bits & Vector128.Create(0x7FFF_FFFFu), Vector128.Create(0x7F80_0000u));
        return Vector128.ConditionalSelect(isNaN, quietNaN, rounded);
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
