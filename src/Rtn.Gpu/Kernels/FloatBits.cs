using ILGPU;

namespace Rtn.Gpu.Kernels;

/// <summary>
/// Conversions between fp32 and the two 16-bit formats, written with integer operations only so
/// that every backend (PTX, OpenCL, the CPU accelerator) gives the same bits: no reliance on a
/// device's half-precision conversion instructions, flush-to-zero settings or rounding modes.
/// Rounding is to nearest, ties to even, as <see cref="System.Half"/> and <see cref="BFloat16"/> do on
/// the host.
/// </summary>
internal static class FloatBits
{
    /// <summary>fp16 bits to fp32, exactly.</summary>
    public static float HalfToSingle(ushort half)
    {
        var sign = (uint)(half & 0x8000) << 16;
        var exponent = (uint)(half >> 10) & 0x1F;
        var mantissa = (uint)half & 0x3FF;
        if (exponent == 0x1F)
        {
            return Interop.IntAsFloat(sign | 0x7F80_0000 | (mantissa << 13));
        }

        if (exponent != 0)
        {
            return Interop.IntAsFloat(sign | ((exponent + 112) << 23) | (mantissa << 13));
        }

        // A subnormal is mantissa · 2^-24: both factors and the product are exact in fp32. The
        // sign goes on as a bit so that -0 stays -0.
        var magnitude = mantissa * (1f / 16_777_216f);
        return Interop.IntAsFloat(Interop.FloatAsInt(magnitude) | sign);
    }

    /// <summary>fp32 to fp16 bits, to nearest with ties to even; overflow gives infinity, NaN a quiet NaN.</summary>
    public static ushort SingleToHalf(float value)
    {
        var bits = Interop.FloatAsInt(value);
        var sign = (bits >> 16) & 0x8000;
        var magnitude = bits & 0x7FFF_FFFF;
        if (magnitude > 0x7F80_0000)
        {
            return (ushort)(sign | 0x7E00 | ((magnitude >> 13) & 0x3FF));
        }

        // 65520 is halfway between fp16's largest finite value (65504, odd mantissa) and 2^16,
        // so it and everything above round to infinity.
        if (magnitude >= 0x477F_F000)
        {
            return (ushort)(sign | 0x7C00);
        }

        // Normal results: rebias the exponent (127 → 15) and round the 13 dropped bits. A carry
        // out of the mantissa bumps the exponent, which is exactly right.
        if (magnitude >= 0x3880_0000)
        {
            return (ushort)(sign | ((magnitude - 0x3800_0000 + 0x0FFF + ((magnitude >> 13) & 1)) >> 13));
        }

        // 2^-25 and below: at most half the smallest subnormal, and a tie goes to even (zero).
        if (magnitude <= 0x3300_0000)
        {
            return (ushort)sign;
        }

        // Subnormal results: the value is significand · 2^(e-150); in units of 2^-24 that is the
        // significand shifted right by 126 - e, which is 14..24 here.
        var significand = (magnitude & 0x007F_FFFF) | 0x0080_0000;
        var shift = (int)(126 - (magnitude >> 23));
        var kept = significand >> shift;
        var dropped = significand & ((1u << shift) - 1);
        var halfway = 1u << (shift - 1);
        if (dropped > halfway || (dropped == halfway && (kept & 1) != 0))
        {
            kept++;
        }

        return (ushort)(sign | kept);
    }

    /// <summary>bf16 bits to fp32, exactly: bf16 is the upper half of an fp32.</summary>
    public static float BFloat16ToSingle(ushort bfloat) => Interop.IntAsFloat((uint)bfloat << 16);

    /// <summary>
    /// fp32 to bf16 bits, to nearest with ties to even. Adding 0x7FFF plus the kept lowest bit
    /// carries into the upper half exactly when the dropped half is above one half, or equal to it
    /// with an odd kept half; a carry out of the mantissa bumps the exponent, up to infinity.
    /// </summary>
    /// <remarks>
    /// The same rounding as the host's <see cref="BFloat16"/>, written again on purpose: this body
    /// runs inside the kernels, which ILGPU compiles to PTX or OpenCL, and device code can call
    /// neither the host's scalar conversion nor its vector code. The rounding rule both follow is
    /// the one of docs/rtn-spec.md (Quantize: results rounded to T to nearest, ties to even).
    /// </remarks>
    public static ushort SingleToBFloat16(float value)
    {
        var bits = Interop.FloatAsInt(value);
        if ((bits & 0x7FFF_FFFF) > 0x7F80_0000)
        {
            return (ushort)((bits >> 16) | 0x0040);
        }

        return (ushort)((bits + 0x7FFF + ((bits >> 16) & 1)) >> 16);
    }

    /// <summary>Whether fp32 bits are NaN; a bit test rather than a comparison, which some backends reorder.</summary>
    public static bool IsNaN(float value) => (Interop.FloatAsInt(value) & 0x7FFF_FFFF) > 0x7F80_0000;

    /// <summary>The bits of <c>|value|</c>: for non-negative floats the integer order is the numeric order, subnormals included.</summary>
    public static uint MagnitudeBits(float value) => Interop.FloatAsInt(value) & 0x7FFF_FFFF;

    /// <summary>Magnitude bits at or above this are infinity or NaN.</summary>
    public const uint NonFiniteMagnitude = 0x7F80_0000;
}
