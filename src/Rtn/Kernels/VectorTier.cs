using System.Runtime.Intrinsics;

namespace Rtn;

/// <summary>The SIMD width a kernel runs at. Every tier gives the same bytes.</summary>
public enum VectorTier
{
    /// <summary>One value at a time.</summary>
    Scalar = 0,

    /// <summary>128-bit vectors (SSE, NEON).</summary>
    Vector128 = 128,

    /// <summary>256-bit vectors (AVX2).</summary>
    Vector256 = 256,

    /// <summary>512-bit vectors (AVX-512).</summary>
    Vector512 = 512,
}

/// <summary>Which tiers this machine runs.</summary>
public static class VectorTiers
{
    /// <summary>The widest tier with hardware acceleration here.</summary>
    public static VectorTier Best { get; } =
        Vector512.IsHardwareAccelerated ? VectorTier.Vector512
        : Vector256.IsHardwareAccelerated ? VectorTier.Vector256
        : Vector128.IsHardwareAccelerated ? VectorTier.Vector128
        : VectorTier.Scalar;

    /// <summary>Every tier this machine can run, widest first.</summary>
    public static IReadOnlyList<VectorTier> Available { get; } =
        [.. Enum.GetValues<VectorTier>().Where(IsSupported).OrderDescending()];

    /// <summary>Whether <paramref name="tier"/> is hardware accelerated here (scalar always is).</summary>
    public static bool IsSupported(VectorTier tier) => tier switch
    {
        VectorTier.Scalar => true,
        VectorTier.Vector128 => Vector128.IsHardwareAccelerated,
        VectorTier.Vector256 => Vector256.IsHardwareAccelerated,
        VectorTier.Vector512 => Vector512.IsHardwareAccelerated,
        _ => false,
    };
}
