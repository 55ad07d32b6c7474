namespace Rtn.Tests.Numerics;

/// <summary>
/// An oracle for float → bfloat16 written from the definition rather than the bit trick: the
/// two bfloat16 neighbours of x, the nearer one, the even one on a tie. Above the largest
/// finite bfloat16 the upper neighbour is 2^128, which stands for infinity (IEEE rounds as if
/// the exponent were unbounded, then overflows).
/// </summary>
public static class BFloat16Rounding
{
    public static ushort Expected(uint bits)
    {
        var value = BitConverter.UInt32BitsToSingle(bits);
        if (float.IsNaN(value))
        {
            return (ushort)((bits >> 16) | 0x0040);
        }

        var sign = (ushort)((bits >> 16) & 0x8000);
        var magnitude = bits & 0x7FFF_FFFF;
        var lower = (ushort)(magnitude >> 16);
        if (lower == 0x7F80)
        {
            return (ushort)(sign | lower);
        }

        double exact = BitConverter.UInt32BitsToSingle(magnitude);
        double below = BitConverter.UInt32BitsToSingle((uint)lower << 16);
        double above = lower == 0x7F7F ? Math.ScaleB(1.0, 128) : BitConverter.UInt32BitsToSingle((uint)(lower + 1) << 16);
        var chosen = (exact - below).CompareTo(above - exact) switch
        {
            < 0 => lower,
            > 0 => (ushort)(lower + 1),
            _ => (lower & 1) == 0 ? lower : (ushort)(lower + 1),
        };
        return (ushort)(sign | chosen);
    }
}
