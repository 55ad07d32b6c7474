namespace Rtn.Kernels.Simd;

/// <summary>
/// The constants behind the branch-free fp16 conversions (after F. Giesen's
/// <c>float_to_half_fast3_rtne</c>), named once for every tier.
/// </summary>
internal static class HalfBits
{
    /// <summary>2^112: the gap between the fp32 and fp16 exponent biases (127 - 15).</summary>
    public static readonly float TwoTo112 = BitConverter.UInt32BitsToSingle(0x7780_0000);

    /// <summary>
    /// Added to fp32 bits of a value in the fp16 normal range: rebiases the exponent
    /// (-112 &lt;&lt; 23), after which rounding away the low 13 bits gives the fp16 bits. A carry out
    /// of the significand bumps the exponent, and from the largest finite fp16 on to infinity.
    /// </summary>
    public const uint ExponentRebias = 0xC800_0000;

    /// <summary>fp32 bits of 0.5: adding 0.5 lines an fp16 subnormal up on the fp32 significand, rounded by the FPU.</summary>
    public const uint OneHalf = 0x3F00_0000;

    /// <summary>fp32 bits of 2^-14, the smallest normal fp16.</summary>
    public const uint SmallestNormal = 0x3880_0000;

    /// <summary>fp32 bits of 65536: from here on fp16 overflows (values from 65520 get there by rounding).</summary>
    public const uint Overflow = 0x4780_0000;
}
