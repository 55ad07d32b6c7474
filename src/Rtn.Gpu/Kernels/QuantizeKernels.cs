using ILGPU;
using Rtn.Kernels;

namespace Rtn.Gpu.Kernels;

/// <summary>
/// Quantization on the device. The main kernel gives each quantization group a team of lanes:
/// lanes read four consecutive values at a time (16 or 8 bytes per lane, so a team reads one
/// contiguous span), reduce the largest magnitude across the team with shuffles, and then re-read
/// the group (now in cache) to write four codes per lane as one 16- or 32-bit store. A team is the
/// whole warp, or for small groups (32 or 64 values) an aligned part of it, so that every lane has
/// work. Group sizes that are not a multiple of four (rare, and the only ones where a 4-bit byte
/// can straddle two groups) take two simpler passes: scales first, then one thread per packed byte.
/// </summary>
internal static class QuantizeKernels
{
    /// <summary>
    /// Lanes per group in <see cref="QuantizeGroups"/>: one per four values when that is a power of
    /// two below the warp size (teams then tile the warp and reduce without crossing), else the warp.
    /// </summary>
    public static int LanesPerGroup(int groupSize, int warpSize)
    {
        var quads = groupSize / 4;
        return quads < warpSize && (quads & (quads - 1)) == 0 ? quads : warpSize;
    }

    /// <summary>One team of lanes per group; needs a group size that is a multiple of 4.</summary>
    public static void QuantizeGroups<TScheme, TElement, TRaw>(
        ArrayView<TRaw> weights, ArrayView<byte> packed, ArrayView<TRaw> scales, ArrayView<int> firstNonFinite, WeightLayout layout)
        where TScheme : struct, IRtnScheme
        where TElement : struct, IGpuElement<TRaw>
        where TRaw : unmanaged
    {
        var bits = WeightLayout.BitsOf<TScheme>(layout);
        var groupSize = WeightLayout.GroupSizeOf<TScheme>(layout);
        var lanes = LanesPerGroup(groupSize, Warp.WarpSize);
        var teamsPerWarp = Warp.WarpSize / lanes;
        if (WarpMath.GlobalWarpIndex * teamsPerWarp >= layout.GroupCount)
        {
            return;
        }

        // A team past the last group still runs the shuffles, which need every lane of the warp;
        // it just has no values.
        var group = (WarpMath.GlobalWarpIndex * teamsPerWarp) + (Warp.LaneIdx / lanes);
        var lane = Warp.LaneIdx % lanes;
        var extent = group < layout.GroupCount ? groupSize : 0;
        var start = group * groupSize;
        var stride = lanes * 4;
        var maxBits = 0u;
        for (var i = lane * 4; i < extent; i += stride)
        {
            maxBits = Codes.Max(maxBits, Codes.MaxMagnitude(TElement.Load4(weights, start + i)));
        }

        maxBits = WarpMath.Max(maxBits, lanes);
        if (maxBits >= FloatBits.NonFiniteMagnitude)
        {
            ReportNonFinite<TElement, TRaw>(weights, start, extent, lane, lanes, firstNonFinite);
            return;
        }

        var scaleRaw = TElement.FromSingle(Codes.Scale(Interop.IntAsFloat(maxBits), bits));
        var scale = TElement.ToSingle(scaleRaw);
        for (var i = lane * 4; i < extent; i += stride)
        {
            var v = TElement.Load4(weights, start + i);
            var c0 = Codes.Quantize<TElement, TRaw>(v.X, scale, bits);
            var c1 = Codes.Quantize<TElement, TRaw>(v.Y, scale, bits);
            var c2 = Codes.Quantize<TElement, TRaw>(v.Z, scale, bits);
            var c3 = Codes.Quantize<TElement, TRaw>(v.W, scale, bits);
            if (bits == 4)
            {
                packed.Cast<ushort>()[(start + i) >> 2] = (ushort)(Codes.PackNibbles(c0, c1, c2, c3) ^ layout.FormatMask);
            }
            else
            {
                packed.Cast<uint>()[(start + i) >> 2] = Codes.PackBytes(c0, c1, c2, c3) ^ layout.FormatMask;
            }
        }

        if (lane == 0 && extent != 0)
        {
            scales[group] = scaleRaw;
        }
    }

    /// <summary>First of two passes for any group size: one warp per group computes its scale.</summary>
    public static void QuantizeScales<TScheme, TElement, TRaw>(
        ArrayView<TRaw> weights, ArrayView<TRaw> scales, ArrayView<int> firstNonFinite, WeightLayout layout)
        where TScheme : struct, IRtnScheme
        where TElement : struct, IGpuElement<TRaw>
        where TRaw : unmanaged
    {
        var bits = WeightLayout.BitsOf<TScheme>(layout);
        var groupSize = WeightLayout.GroupSizeOf<TScheme>(layout);
        var group = WarpMath.GlobalWarpIndex;
        if (group >= layout.GroupCount)
        {
            return;
        }

        var start = group * groupSize;
        var maxBits = 0u;
        for (var i = Warp.LaneIdx; i < groupSize; i += Warp.WarpSize)
        {
            maxBits = Codes.Max(maxBits, FloatBits.MagnitudeBits(TElement.ToSingle(weights[start + i])));
        }

        maxBits = WarpMath.Max(maxBits, Warp.WarpSize);
        if (maxBits >= FloatBits.NonFiniteMagnitude)
        {
            ReportNonFinite<TElement, TRaw>(weights, start, groupSize, Warp.LaneIdx, Warp.WarpSize, firstNonFinite);
            return;
        }

        if (Warp.LaneIdx == 0)
        {
            scales[group] = TElement.FromSingle(Codes.Scale(Interop.IntAsFloat(maxBits), bits));
        }
    }

    /// <summary>Second pass: one thread per packed byte, each code with its own group's scale.</summary>
    public static void QuantizeCodes<TScheme, TElement, TRaw>(
        Index1D index, ArrayView<TRaw> weights, ArrayView<TRaw> scales, ArrayView<byte> packed, WeightLayout layout)
        where TScheme : struct, IRtnScheme
        where TElement : struct, IGpuElement<TRaw>
        where TRaw : unmanaged
    {
        var bits = WeightLayout.BitsOf<TScheme>(layout);
        var groupSize = WeightLayout.GroupSizeOf<TScheme>(layout);
        if (bits == 8)
        {
            var code = CodeOf<TElement, TRaw>(weights, scales, index, groupSize, bits);
            packed[index] = (byte)((code & 0xFF) ^ (int)(layout.FormatMask & 0xFF));
            return;
        }

        var low = CodeOf<TElement, TRaw>(weights, scales, 2 * index, groupSize, bits);
        var high = CodeOf<TElement, TRaw>(weights, scales, (2 * index) + 1, groupSize, bits);
        packed[index] = (byte)(((low & 0xF) | ((high & 0xF) << 4)) ^ (int)(layout.FormatMask & 0xFF));
    }

    private static int CodeOf<TElement, TRaw>(ArrayView<TRaw> weights, ArrayView<TRaw> scales, int element, int groupSize, int bits)
        where TElement : struct, IGpuElement<TRaw>
        where TRaw : unmanaged =>
        Codes.Quantize<TElement, TRaw>(TElement.ToSingle(weights[element]), TElement.ToSingle(scales[element / groupSize]), bits);

    /// <summary>
    /// The slow path for a group holding NaN or infinity: record the smallest such position so
    /// that the host can name it. Runs only when the input is already an error.
    /// </summary>
    private static void ReportNonFinite<TElement, TRaw>(ArrayView<TRaw> weights, int start, int groupSize, int lane, int lanes, ArrayView<int> firstNonFinite)
        where TElement : struct, IGpuElement<TRaw>
        where TRaw : unmanaged
    {
        for (var i = lane; i < groupSize; i += lanes)
        {
            if (FloatBits.MagnitudeBits(TElement.ToSingle(weights[start + i])) >= FloatBits.NonFiniteMagnitude)
            {
                Atomic.Min(ref firstNonFinite[0], start + i);
            }
        }
    }
}
