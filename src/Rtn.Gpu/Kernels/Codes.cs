using ILGPU;

namespace Rtn.Gpu.Kernels;

/// <summary>
/// The arithmetic of one code: the quantize rule of docs/rtn-spec.md (Quantize), and packing and unpacking in registers.
/// 4-bit codes go low nibble first; bytes go little-endian into wider words, so a word read from
/// the packed bytes holds its codes in order from the least significant bits.
/// </summary>
internal static class Codes
{
    /// <summary>
    /// <c>s = fp32(2m) · fp32(1/(Q−1))</c> in fp32, before rounding to the weight type.
    /// <c>m + m</c> rather than <c>2 · m</c>: ILGPU's optimizer folds <c>2 · m · r</c> into
    /// <c>m · (2r)</c>, which stays finite where <c>2m</c> overflows and so differs from the spec.
    /// </summary>
    public static float Scale(float maxAbs, int bits)
    {
        var reciprocal = 1f / ((1 << bits) - 1);
        return (maxAbs + maxAbs) * reciprocal;
    }

    /// <summary>
    /// <c>q = round_even(clamp(T(x / s), qmin, qmax))</c>, with a true division and 0 for the NaN
    /// of 0/0 (a zero group). NaN is tested before the clamp because min/max instructions
    /// disagree across backends on NaN operands.
    /// </summary>
    public static int Quantize<TElement, TRaw>(float x, float scale, int bits)
        where TElement : struct, IGpuElement<TRaw>
        where TRaw : unmanaged
    {
        var quotient = TElement.ToSingle(TElement.FromSingle(x / scale));
        if (FloatBits.IsNaN(quotient))
        {
            return 0;
        }

        float min = -(1 << (bits - 1));
        float max = (1 << (bits - 1)) - 1;
        var clamped = quotient < min ? min : quotient > max ? max : quotient;

        // MathF.Round rounds half to even; ILGPU lowers it to the exact add-and-subtract-2^23 idiom.
        return (int)MathF.Round(clamped);
    }

    /// <summary>Four 4-bit codes as two bytes, signed layout.</summary>
    private static uint PackNibbles(int c0, int c1, int c2, int c3) =>
        (uint)((c0 & 0xF) | ((c1 & 0xF) << 4) | ((c2 & 0xF) << 8) | ((c3 & 0xF) << 12));

    /// <summary>Four 8-bit codes as four bytes, signed layout.</summary>
    private static uint PackBytes(int c0, int c1, int c2, int c3) =>
        (uint)((c0 & 0xFF) | ((c1 & 0xFF) << 8) | ((c2 & 0xFF) << 16) | (c3 << 24));

    /// <summary>The <paramref name="k"/>-th 4-bit code of a signed-layout word, sign-extended by an arithmetic shift.</summary>
    public static int Nibble(uint word, int k) => (int)(word << (28 - (4 * k))) >> 28;

    /// <summary>The <paramref name="k"/>-th 8-bit code of a signed-layout word.</summary>
    public static int Byte(ulong word, int k) => (sbyte)(word >> (8 * k));

    /// <summary>The codes of values <c>[4·quad, 4·quad + 4)</c>, read with one 16-bit (4-bit codes) or 32-bit (8-bit codes) load.</summary>
    public static Float4 Load4(ArrayView<byte> packed, int quad, int bits, uint formatMask)
    {
        if (bits == 4)
        {
            var nibbles = packed.Cast<ushort>()[quad] ^ formatMask;
            return new Float4(Nibble(nibbles, 0), Nibble(nibbles, 1), Nibble(nibbles, 2), Nibble(nibbles, 3));
        }

        var bytes = packed.Cast<uint>()[quad] ^ formatMask;
        return new Float4(Byte(bytes, 0), Byte(bytes, 1), Byte(bytes, 2), Byte(bytes, 3));
    }

    /// <summary>Writes the codes of values <c>[4·quad, 4·quad + 4)</c> with one 16-bit (4-bit codes) or 32-bit (8-bit codes) store.</summary>
    public static void Store4(ArrayView<byte> packed, int quad, int c0, int c1, int c2, int c3, int bits, uint formatMask)
    {
        if (bits == 4)
        {
            packed.Cast<ushort>()[quad] = (ushort)(PackNibbles(c0, c1, c2, c3) ^ formatMask);
        }
        else
        {
            packed.Cast<uint>()[quad] = PackBytes(c0, c1, c2, c3) ^ formatMask;
        }
    }

    /// <summary>The code of one value, for paths that cannot read whole words.</summary>
    public static int At(ArrayView<byte> packed, int index, int bits, uint formatMask)
    {
        if (bits == 8)
        {
            return (sbyte)(packed[index] ^ (byte)formatMask);
        }

        var pair = (uint)(packed[index >> 1] ^ (byte)formatMask);
        return Nibble((index & 1) == 0 ? pair << 4 : pair, 1);
    }

    /// <summary>The larger of two magnitudes given as fp32 bits.</summary>
    public static uint Max(uint a, uint b) => a > b ? a : b;

    /// <summary>The largest magnitude of four values, as fp32 bits.</summary>
    public static uint MaxMagnitude(Float4 v) =>
        Max(Max(FloatBits.MagnitudeBits(v.X), FloatBits.MagnitudeBits(v.Y)), Max(FloatBits.MagnitudeBits(v.Z), FloatBits.MagnitudeBits(v.W)));

    /// <summary>Dot product of four codes (as floats) with four values.</summary>
    public static float Dot(Float4 codes, Float4 values) =>
        (codes.X * values.X) + (codes.Y * values.Y) + (codes.Z * values.Z) + (codes.W * values.W);
}
