using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Rtn.Kernels.Simd;

/// <summary>What a loop asks of a width before it runs there.</summary>
internal interface IWidthFit
{
    /// <summary>Whether the loop's work suits vectors of <paramref name="lanes"/> fp32 lanes.</summary>
    bool Fits(int lanes);
}

/// <summary>
/// A loop written once for every width, with the scalar loop beside it. Implementations whose
/// <see cref="Run"/> holds a hot loop mark it <c>NoInlining</c>: compiled on its own, it gets the
/// JIT's whole inlining budget, so every width operation inside it is inlined. Inlined into a large
/// caller instead (a driver's worker loop), the budget can run out and leave those operations as
/// calls that pass vectors through memory, at half the speed.
/// </summary>
internal interface IWidthLoop : IWidthFit
{
    /// <summary>Runs the loop at one width.</summary>
    void Run<TWidth, TVector>()
        where TWidth : struct, ISimdWidth<TVector>
        where TVector : struct;

    /// <summary>Runs the loop one value at a time.</summary>
    void RunScalar();
}

/// <summary>The one place a <see cref="VectorTier"/> becomes a width.</summary>
internal static class Tiers
{
    /// <summary>The widest tier up to <paramref name="tier"/> that <paramref name="fit"/> accepts, else scalar.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static VectorTier Choose<TFit>(VectorTier tier, ref TFit fit)
        where TFit : struct, IWidthFit, allows ref struct =>
        tier >= VectorTier.Vector512 && fit.Fits(Width512.Count) ? VectorTier.Vector512
        : tier >= VectorTier.Vector256 && fit.Fits(Width256.Count) ? VectorTier.Vector256
        : tier >= VectorTier.Vector128 && fit.Fits(Width128.Count) ? VectorTier.Vector128
        : VectorTier.Scalar;

    /// <summary>Runs <paramref name="loop"/> at the tier <see cref="Choose"/> picks.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Run<TLoop>(VectorTier tier, ref TLoop loop)
        where TLoop : struct, IWidthLoop, allows ref struct
    {
        switch (Choose(tier, ref loop))
        {
            case VectorTier.Vector512:
                loop.Run<Width512, Vector512<float>>();
                break;
            case VectorTier.Vector256:
                loop.Run<Width256, Vector256<float>>();
                break;
            case VectorTier.Vector128:
                loop.Run<Width128, Vector128<float>>();
                break;
            default:
                loop.RunScalar();
                break;
        }
    }
}
