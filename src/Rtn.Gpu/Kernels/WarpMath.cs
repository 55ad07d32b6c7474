using ILGPU;

namespace Rtn.Gpu.Kernels;

/// <summary>
/// Reductions across one warp by butterfly shuffles: registers only, no shared memory, no
/// barrier. Every lane ends with the result (IEEE addition is commutative, so the two lanes of
/// each exchange compute the same bits).
/// </summary>
internal static class WarpMath
{
    /// <summary>
    /// The maximum over each aligned team of <paramref name="lanes"/> lanes (a power of two up to
    /// the warp size): exchanges at distances below the team size never leave the team.
    /// </summary>
    public static uint Max(uint value, int lanes)
    {
        for (var distance = lanes / 2; distance > 0; distance >>= 1)
        {
            var other = Warp.ShuffleXor(value, distance);
            value = other > value ? other : value;
        }

        return value;
    }

    /// <summary>The sum over the whole warp.</summary>
    public static float Sum(float value)
    {
        for (var distance = Warp.WarpSize / 2; distance > 0; distance >>= 1)
        {
            value += Warp.ShuffleXor(value, distance);
        }

        return value;
    }

    /// <summary>The warp's index in the whole launch, for kernels that give each warp one item of work.</summary>
    public static int GlobalWarpIndex => (Grid.IdxX * (Group.DimX / Warp.WarpSize)) + Warp.WarpIdx;
}
