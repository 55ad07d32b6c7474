using System.Runtime.CompilerServices;

namespace Rtn.Kernels.Simd;

/// <summary>
/// Rounds one activation row to int8 for the product with int8 activations (docs/rtn-spec.md,
/// "Linear with int8 activations"): per group, <c>A = max|x|</c>, <c>d = fp32(A / 127)</c> and
/// <c>a = round_even(fp32(x · fp32(127 / A)))</c>, the same codes at every tier.
/// </summary>
internal static class ActivationQuantizeLoops
{
    /// <summary>2⁻¹²⁰: a group whose largest magnitude is smaller counts as zero, so that 127 / A stays finite.</summary>
    public static readonly float SmallestMaximum = BitConverter.UInt32BitsToSingle(0x0380_0000);

    /// <summary>
    /// Quantizes <paramref name="x"/> (one row of fp32 activations) into <paramref name="codes"/>,
    /// in column order, and writes each group's scale d to <paramref name="scales"/>.
    /// </summary>
    public static void QuantizeRow(VectorTier tier, ReadOnlySpan<float> x, int g, Span<sbyte> codes, Span<float> scales)
    {
        var loop = new RowLoop(x, g, codes, scales);
        Tiers.Run(tier, ref loop);
    }

    /// <summary>The factor that takes the group's values to codes, or 0 for a group that counts as zero.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static float InverseScale(float largest) => largest < SmallestMaximum ? 0f : 127f / largest;

    private ref struct RowLoop(ReadOnlySpan<float> x, int g, Span<sbyte> codes, Span<float> scales) : IWidthLoop
    {
        private readonly ReadOnlySpan<float> x = x;
        private readonly Span<sbyte> codes = codes;
        private readonly Span<float> scales = scales;

        /// <summary>Groups are quantized in steps of four vectors, as the width stores codes.</summary>
        readonly bool IWidthFit.Fits(int lanes) => g % (4 * lanes) == 0;

        [MethodImpl(MethodImplOptions.NoInlining)]
        readonly void IWidthLoop.Run<TWidth, TVector>()
        {
            var magnitude = TWidth.BroadcastBits(0x7FFF_FFFFu);
            ref var values = ref Unsafe.AsRef(in x[0]);
            ref var destination = ref Unsafe.As<sbyte, byte>(ref codes[0]);
            for (var j = 0; j < scales.Length; j++)
            {
                var start = j * g;
                var largestBits = TWidth.Zero;
                for (var k = start; k < start + g; k += TWidth.Count)
                {
                    // For finite values, comparing the magnitudes' bits as integers compares the magnitudes.
                    largestBits = TWidth.MaxBits32(largestBits, TWidth.And(TWidth.Load(ref Unsafe.Add(ref values, k)), magnitude));
                }

                var largest = BitConverter.UInt32BitsToSingle(TWidth.LargestBits32(largestBits));
                var inverse = TWidth.Broadcast(InverseScale(largest));
                for (var k = start; k < start + g; k += 4 * TWidth.Count)
                {
                    TWidth.StoreCodes(
                        TWidth.Multiply(TWidth.Load(ref Unsafe.Add(ref values, k)), inverse),
                        TWidth.Multiply(TWidth.Load(ref Unsafe.Add(ref values, k + TWidth.Count)), inverse),
                        TWidth.Multiply(TWidth.Load(ref Unsafe.Add(ref values, k + (2 * TWidth.Count))), inverse),
                        TWidth.Multiply(TWidth.Load(ref Unsafe.Add(ref values, k + (3 * TWidth.Count))), inverse),
                        int4: false, offsetMask: 0, ref Unsafe.Add(ref destination, k));
                }

                scales[j] = largest < SmallestMaximum ? 0f : largest / 127f;
            }
        }

        readonly void IWidthLoop.RunScalar()
        {
            for (var j = 0; j < scales.Length; j++)
            {
                var group = x.Slice(j * g, g);
                var largest = 0f;
                foreach (var value in group)
                {
                    largest = MathF.Max(largest, MathF.Abs(value));
                }

                var inverse = InverseScale(largest);
                for (var k = 0; k < g; k++)
                {
                    codes[(j * g) + k] = (sbyte)Math.Clamp(MathF.Round(group[k] * inverse), -127f, 127f);
                }

                scales[j] = largest < SmallestMaximum ? 0f : largest / 127f;
            }
        }
    }
}
