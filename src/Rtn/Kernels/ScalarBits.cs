namespace Rtn.Kernels;

/// <summary>The scalar tier's roundings, done on the bits the way the vector tiers do them.</summary>
internal static class ScalarBits
{
    /// <summary>
    /// Rounds a clamped quotient (finite, |y| ≤ 128) to <typeparamref name="T"/> and back, nearest
    /// even; see <see cref="Lanes512.RoundQuotient{T}"/> for why fp16's subnormal range needs no care.
    /// </summary>
    public static float RoundQuotient<T>(float y)
        where T : unmanaged
    {
        if (typeof(T) == typeof(float))
        {
            return y;
        }

        var bits = BitConverter.SingleToUInt32Bits(y);
        var rounded = typeof(T) == typeof(BFloat16)
            ? (bits + 0x7FFFu + ((bits >> 16) & 1)) & 0xFFFF_0000u
            : (bits + 0x0FFFu + ((bits >> 13) & 1)) & 0xFFFF_E000u;
        return BitConverter.UInt32BitsToSingle(rounded);
    }
}
