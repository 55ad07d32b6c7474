using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using Rtn.Kernels.Drivers;

namespace Rtn.Kernels.Simd;

/// <summary>
/// The quantized matrix-vector product for four weight rows at a time: per group, one
/// accumulator vector per row sums <c>q · x</c>; the group's scale then enters with a single
/// FMA, and each row takes one horizontal sum at the end. 4-bit rows are read against the
/// activations split once per call into even and odd columns, so a byte's low nibbles meet the
/// even columns and its high nibbles the odd ones without any shuffling. Each group first asks
/// for the same bytes <see cref="PrefetchRows"/> rows further on: rows are only a few KiB, too
/// short for the hardware prefetcher to ramp up (measured: about 25% more bandwidth at 4096 columns).
/// </summary>
internal static class MatVecLoops
{
    /// <summary>Weight rows per block, in both products: the rows whose codes one pass over the activations meets.</summary>
    internal const int BlockRows = 4;

    /// <summary>How far ahead, in rows, the codes are fetched into L2.</summary>
    internal const int PrefetchRows = 16;

    /// <summary>
    /// The tier a product with group size <paramref name="g"/> runs at: the widest up to
    /// <paramref name="tier"/> whose step (a vector of codes, two for 4 bits) divides the group, so
    /// that no group needs a tail (odd 4-bit groups, which split bytes, end at scalar).
    /// </summary>
    public static VectorTier TierFor<TScheme>(VectorTier tier, int g)
        where TScheme : struct, IRtnScheme
    {
        var fit = new StepFit<TScheme>(g);
        return Tiers.Choose(tier, ref fit);
    }

    /// <summary>
    /// <c>sums[i·count + r] = bias[r] + Σ_j s[r, j] · Σ_c q[r, c] · x[i, c]</c> for weight rows
    /// <c>r &lt; count</c> of <paramref name="codes"/> and activation rows <c>i &lt; m</c>, four
    /// weight rows at a time, every activation row meeting a block while its codes are in cache.
    /// <paramref name="activations"/> holds x, <paramref name="columns"/> per row, or for 4 bits at
    /// a vector tier each row's even columns followed by its odd ones (<c>columns/2</c> each);
    /// <paramref name="tier"/> comes from <see cref="TierFor"/>. <paramref name="widened"/> is room
    /// for <c>4 · groups</c> floats, a block's scales in fp32 when <typeparamref name="T"/> is not fp32.
    /// </summary>
    public static void Rows<TScheme, T>(
        VectorTier tier, ref byte codes, int rowBytes, ref T scales, int groups, int count, ref float activations, int m, int columns, int g, RtnFormat format,
        ReadOnlySpan<float> bias, Span<float> sums, Span<float> widened)
        where TScheme : struct, IRtnScheme
        where T : unmanaged
    {
        var loop = new RowsLoop<TScheme, T>(ref codes, rowBytes, ref scales, groups, count, ref activations, m, columns, g, format, bias, sums, widened);
        Tiers.Run(tier, ref loop);
    }

    /// <summary>One row, one value at a time, against x in natural column order.</summary>
    private static float RowScalar<TScheme>(ref byte codes, ref float scales, ref float x, int groups, int g, byte offsetMask)
        where TScheme : struct, IRtnScheme
    {
        g = SchemeConstants<TScheme>.GroupSizeOf(g);
        var total = 0f;
        for (var j = 0; j < groups; j++)
        {
            var sum = 0f;
            for (var c = j * g; c < (j + 1) * g; c++)
            {
                sum = MathF.FusedMultiplyAdd(DequantizeLoops.Code<TScheme>(ref codes, c, offsetMask), Unsafe.Add(ref x, c), sum);
            }

            total = MathF.FusedMultiplyAdd(sum, Unsafe.Add(ref scales, j), total);
        }

        return total;
    }

    /// <summary>
    /// Four rows at one width. For 4 bits, even and odd columns keep separate accumulators: eight
    /// independent FMA chains instead of four chains of two. <paramref name="nibbles"/> is the
    /// width's <see cref="ISimdWidth{TVector}.NibbleValues"/> for the format, made by the caller
    /// so that it stays in a register here.
    /// </summary>
    private static Vector128<float> RowsVectors<TScheme, TWidth, TVector>(
        ref byte c0, ref byte c1, ref byte c2, ref byte c3, ref float s0, ref float s1, ref float s2, ref float s3,
        ref float activations, int half, int groups, int g, RtnFormat format, TVector nibbles, int ahead)
        where TScheme : struct, IRtnScheme
        where TWidth : struct, ISimdWidth<TVector>
        where TVector : struct
    {
        g = SchemeConstants<TScheme>.GroupSizeOf(g);
        var offset = Vector128.Create(SchemeConstants<TScheme>.OffsetMask(format));
        ref var xOdd = ref Unsafe.Add(ref activations, half);
        var groupBytes = SchemeConstants<TScheme>.IsInt4 ? g / 2 : g;
        var (t0, t1, t2, t3) = (TWidth.Zero, TWidth.Zero, TWidth.Zero, TWidth.Zero);
        for (var j = 0; j < groups; j++)
        {
            var (a0, a1, a2, a3) = (TWidth.Zero, TWidth.Zero, TWidth.Zero, TWidth.Zero);
            var end = (j + 1) * groupBytes;
            Prefetch(ref c0, ref c1, ref c2, ref c3, ahead, j * groupBytes, end);
            if (SchemeConstants<TScheme>.IsInt4)
            {
                var (e0, e1, e2, e3) = (TWidth.Zero, TWidth.Zero, TWidth.Zero, TWidth.Zero);
                var (o0, o1, o2, o3) = (TWidth.Zero, TWidth.Zero, TWidth.Zero, TWidth.Zero);
                for (var k = j * groupBytes; k < end; k += TWidth.Count)
                {
                    var xe = TWidth.Load(ref Unsafe.Add(ref activations, k));
                    var xo = TWidth.Load(ref Unsafe.Add(ref xOdd, k));
                    var (even, odd) = TWidth.DecodeInt4ByParity(ref Unsafe.Add(ref c0, k), nibbles, offset);
                    e0 = TWidth.FusedMultiplyAdd(even, xe, e0);
                    o0 = TWidth.FusedMultiplyAdd(odd, xo, o0);
                    (even, odd) = TWidth.DecodeInt4ByParity(ref Unsafe.Add(ref c1, k), nibbles, offset);
                    e1 = TWidth.FusedMultiplyAdd(even, xe, e1);
                    o1 = TWidth.FusedMultiplyAdd(odd, xo, o1);
                    (even, odd) = TWidth.DecodeInt4ByParity(ref Unsafe.Add(ref c2, k), nibbles, offset);
                    e2 = TWidth.FusedMultiplyAdd(even, xe, e2);
                    o2 = TWidth.FusedMultiplyAdd(odd, xo, o2);
                    (even, odd) = TWidth.DecodeInt4ByParity(ref Unsafe.Add(ref c3, k), nibbles, offset);
                    e3 = TWidth.FusedMultiplyAdd(even, xe, e3);
                    o3 = TWidth.FusedMultiplyAdd(odd, xo, o3);
                }

                (a0, a1, a2, a3) = (TWidth.Add(e0, o0), TWidth.Add(e1, o1), TWidth.Add(e2, o2), TWidth.Add(e3, o3));
            }
            else
            {
                for (var c = j * g; c < end; c += TWidth.Count)
                {
                    var xv = TWidth.Load(ref Unsafe.Add(ref activations, c));
                    a0 = TWidth.FusedMultiplyAdd(TWidth.DecodeInt8(ref Unsafe.Add(ref c0, c), offset), xv, a0);
                    a1 = TWidth.FusedMultiplyAdd(TWidth.DecodeInt8(ref Unsafe.Add(ref c1, c), offset), xv, a1);
                    a2 = TWidth.FusedMultiplyAdd(TWidth.DecodeInt8(ref Unsafe.Add(ref c2, c), offset), xv, a2);
                    a3 = TWidth.FusedMultiplyAdd(TWidth.DecodeInt8(ref Unsafe.Add(ref c3, c), offset), xv, a3);
                }
            }

            t0 = TWidth.FusedMultiplyAdd(a0, TWidth.Broadcast(Unsafe.Add(ref s0, j)), t0);
            t1 = TWidth.FusedMultiplyAdd(a1, TWidth.Broadcast(Unsafe.Add(ref s1, j)), t1);
            t2 = TWidth.FusedMultiplyAdd(a2, TWidth.Broadcast(Unsafe.Add(ref s2, j)), t2);
            t3 = TWidth.FusedMultiplyAdd(a3, TWidth.Broadcast(Unsafe.Add(ref s3, j)), t3);
        }

        return TWidth.SumEach(t0, t1, t2, t3);
    }

    /// <summary>Asks for bytes <c>[from, to)</c> of the four rows <paramref name="ahead"/> bytes on, one request per cache line.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static unsafe void Prefetch(ref byte c0, ref byte c1, ref byte c2, ref byte c3, int ahead, int from, int to)
    {
        if (!Sse.IsSupported)
        {
            return;
        }

        for (var line = from + ahead; line < to + ahead; line += 64)
        {
            Sse.Prefetch1(Unsafe.AsPointer(ref Unsafe.Add(ref c0, line)));
            Sse.Prefetch1(Unsafe.AsPointer(ref Unsafe.Add(ref c1, line)));
            Sse.Prefetch1(Unsafe.AsPointer(ref Unsafe.Add(ref c2, line)));
            Sse.Prefetch1(Unsafe.AsPointer(ref Unsafe.Add(ref c3, line)));
        }
    }

    /// <summary>Asks for bytes <c>[from, to)</c> of one row <paramref name="ahead"/> bytes on, one request per cache line.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static unsafe void Prefetch(ref byte row, int ahead, int from, int to)
    {
        if (!Sse.IsSupported)
        {
            return;
        }

        for (var line = from + ahead; line < to + ahead; line += 64)
        {
            Sse.Prefetch1(Unsafe.AsPointer(ref Unsafe.Add(ref row, line)));
        }
    }

    /// <summary>
    /// Asks for the scales of the four rows <see cref="PrefetchRows"/> rows on from the block whose
    /// scales start at <paramref name="blockScales"/>, one request per cache line: a block's scales
    /// are a short run of their own that the hardware prefetcher misses, and without the request
    /// the block's first group waits for memory.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static unsafe void PrefetchBlockScales<T>(ref T blockScales, int groups)
        where T : unmanaged
    {
        if (!Sse.IsSupported)
        {
            return;
        }

        var rowBytes = groups * Unsafe.SizeOf<T>();
        var ahead = (byte*)Unsafe.AsPointer(ref blockScales) + (PrefetchRows * rowBytes);
        for (var line = 0; line < BlockRows * rowBytes; line += 64)
        {
            Sse.Prefetch1(ahead + line);
        }
    }

    /// <summary>
    /// Adds the bias to the totals of the block of four rows that starts at row <paramref name="r"/>
    /// and stores those of rows that exist (a short last block repeats its last row) into one
    /// activation row's <paramref name="sums"/>, one per weight row.
    /// </summary>
    internal static void StoreBlock(Vector128<float> totals, ReadOnlySpan<float> bias, Span<float> sums, int r)
    {
        if (r + BlockRows <= sums.Length)
        {
            (totals + Vector128.Create(bias.Slice(r, BlockRows))).CopyTo(sums.Slice(r, BlockRows));
            return;
        }

        for (var k = 0; r + k < sums.Length; k++)
        {
            sums[r + k] = totals[k] + bias[r + k];
        }
    }

    /// <summary>Whether a width's step (a vector of codes, two for 4 bits) divides the group.</summary>
    private readonly struct StepFit<TScheme>(int g) : IWidthFit
        where TScheme : struct, IRtnScheme
    {
        public bool Fits(int lanes) => g % ((SchemeConstants<TScheme>.IsInt4 ? 2 : 1) * lanes) == 0;
    }

    private ref struct RowsLoop<TScheme, T>(
        ref byte codes, int rowBytes, ref T scales, int groups, int count, ref float activations, int m, int columns, int g, RtnFormat format,
        ReadOnlySpan<float> bias, Span<float> sums, Span<float> widened) : IWidthLoop
        where TScheme : struct, IRtnScheme
        where T : unmanaged
    {
        private readonly ref byte codes = ref codes;
        private readonly ref T scales = ref scales;
        private readonly ref float activations = ref activations;
        private readonly ReadOnlySpan<float> bias = bias;
        private readonly Span<float> sums = sums;
        private readonly Span<float> widened = widened;

        bool IWidthFit.Fits(int lanes) => new StepFit<TScheme>(g).Fits(lanes);

        [MethodImpl(MethodImplOptions.NoInlining)]
        readonly void IWidthLoop.Run<TWidth, TVector>()
        {
            var nibbles = TWidth.NibbleValues(format);
            var ahead = PrefetchRows * rowBytes;
            for (var r = 0; r < count; r += BlockRows)
            {
                // A short last block repeats its last row; the repeats are not stored.
                var (r1, r2, r3) = (Math.Min(r + 1, count - 1), Math.Min(r + 2, count - 1), Math.Min(r + 3, count - 1));
                PrefetchBlockScales(ref Scales(r), groups);
                ref var s0 = ref BlockScales<TWidth, TVector>(r, r3);
                ref var s1 = ref Unsafe.Add(ref s0, (r1 - r) * groups);
                ref var s2 = ref Unsafe.Add(ref s0, (r2 - r) * groups);
                ref var s3 = ref Unsafe.Add(ref s0, (r3 - r) * groups);
                for (var i = 0; i < m; i++)
                {
                    var totals = RowsVectors<TScheme, TWidth, TVector>(
                        ref Row(r), ref Row(r1), ref Row(r2), ref Row(r3), ref s0, ref s1, ref s2, ref s3,
                        ref Unsafe.Add(ref activations, i * columns), columns / 2, groups, g, format, nibbles, ahead);
                    StoreBlock(totals, bias, sums.Slice(i * count, count), r);
                }
            }
        }

        readonly void IWidthLoop.RunScalar()
        {
            var offsetMask = SchemeConstants<TScheme>.OffsetMask(format);
            ref var wide = ref MemoryMarshal.GetReference(widened);
            for (var r = 0; r < count; r++)
            {
                for (var j = 0; j < groups; j++)
                {
                    Unsafe.Add(ref wide, j) = Precision<T>.ToSingle(Unsafe.Add(ref Scales(r), j));
                }

                for (var i = 0; i < m; i++)
                {
                    sums[(i * count) + r] = bias[r] + RowScalar<TScheme>(ref Row(r), ref wide, ref Unsafe.Add(ref activations, i * columns), groups, g, offsetMask);
                }
            }
        }

        /// <summary>
        /// The scales of rows <paramref name="first"/> to <paramref name="last"/> in fp32, one row
        /// after another: the rows themselves for fp32 scales, else widened together into
        /// <c>widened</c> (as one run, so that a block of short rows takes a vector or two).
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private readonly ref float BlockScales<TWidth, TVector>(int first, int last)
            where TWidth : struct, ISimdWidth<TVector>
            where TVector : struct
        {
            if (typeof(T) == typeof(float))
            {
                return ref Unsafe.As<T, float>(ref Scales(first));
            }

            ref var source = ref Scales(first);
            ref var destination = ref MemoryMarshal.GetReference(widened);
            var length = (last - first + 1) * groups;
            var j = 0;
            for (; j + TWidth.Count <= length; j += TWidth.Count)
            {
                TWidth.Store(Lanes<TWidth, TVector>.Load(ref Unsafe.Add(ref source, j)), ref Unsafe.Add(ref destination, j));
            }

            for (; j < length; j++)
            {
                Unsafe.Add(ref destination, j) = Precision<T>.ToSingle(Unsafe.Add(ref source, j));
            }

            return ref destination;
        }

        private readonly ref byte Row(int r) => ref Unsafe.Add(ref codes, (nint)r * rowBytes);

        private readonly ref T Scales(int r) => ref Unsafe.Add(ref scales, (nint)r * groups);
    }
}
