using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using Rtn.Kernels.Drivers;

namespace Rtn.Kernels.Simd;

/// <summary>
/// The product with int8 activations (docs/rtn-spec.md, "Linear with int8 activations") for
/// four weight rows at a time. The codes are read as unsigned offset codes <c>u = q + Q/2</c>
/// (the signed layout is one XOR away, docs/rtn-spec.md, "Storage formats"), multiplied with
/// the signed activation codes by integer dot products, and the offset is taken back once per
/// group: <c>Σ q·a = Σ u·a − Q/2 · Σ a</c>, where the driver supplies <c>Q/2 · Σ a</c>. The
/// offset leaves the lanes before the scales enter (spread evenly over them, which divides by a
/// power of two exactly), so no fp32 value is larger than the group's own sum: no cancellation
/// of large terms, no overflow the exact result would not have. Each group's sum enters the fp32
/// total with one FMA by the product of the two scales.
/// </summary>
/// <remarks>
/// A single activation row meets one weight row at a time instead: the codes are then read as
/// one sequential stream, which memory delivers faster than four rows' streams side by side.
/// Measured in one process, the two ways taking turns (two threads, 24 matrices rotated): 4-bit
/// 3–9% less time at 11008×4096 and 1–7% at 4096×14336, 8-bit 12–17% and 8–15%. Two activation
/// rows gain nothing measurable that way, so they keep the blocks. Each row's sum is computed by
/// the same operations in the same order either way, so the results are the same.
/// </remarks>
internal static class Int8ActivationLoops
{
    /// <summary>
    /// Bytes of codes summed in 32-bit integers before they move to fp32: a lane then holds at
    /// most 4096 products of at most 255 · 128, far from overflowing, however long a group is.
    /// </summary>
    private const int ChunkBytes = 4096;

    /// <summary>
    /// How far ahead, in bytes, a single row's codes are fetched into L2: a few microseconds of
    /// reading, as for blocks of four (see <see cref="MatVecLoops.PrefetchRows"/>), whatever the
    /// row length.
    /// </summary>
    private const int SingleRowPrefetchBytes = 8192;

    /// <summary>
    /// The tier a product with group size <paramref name="g"/> runs at: the widest up to
    /// <paramref name="tier"/> whose step (a vector of code bytes) divides the group.
    /// </summary>
    public static VectorTier TierFor<TScheme>(VectorTier tier, int g)
        where TScheme : struct, IRtnScheme
    {
        var fit = new StepFit<TScheme>(g);
        return Tiers.Choose(tier, ref fit);
    }

    /// <summary>
    /// <c>sums[i·count + r] = bias[r] + Σ_j s[r, j] · d[i, j] · Σ_c q[r, c] · a[i, c]</c> for
    /// weight rows <c>r &lt; count</c> of <paramref name="codes"/> and activation rows
    /// <c>i &lt; m</c>: four weight rows at a time, every activation row meeting a block while its
    /// codes are in cache, or row by row for a single activation row.
    /// <paramref name="activations"/> holds the codes a, <paramref name="columns"/> per row (for
    /// 4 bits, even columns then odd ones, <c>columns/2</c> each),
    /// <paramref name="activationScales"/> the scales d, each row's four times over (one copy per
    /// row of a block, so that a block's scale products are one run of multiplies), and
    /// <paramref name="offsetSums"/> <c>Q/2 · Σ a</c>, <paramref name="groups"/> per row. <paramref name="products"/> is room for
    /// <c>4 · groups</c> floats, the products of the two scales.
    /// </summary>
    public static void Rows<TScheme, T>(
        VectorTier tier, ref byte codes, int rowBytes, ref T scales, int groups, int count,
        ref sbyte activations, ref float activationScales, ref float offsetSums, int m, int columns, int g, RtnFormat format,
        ReadOnlySpan<float> bias, Span<float> sums, Span<float> products)
        where TScheme : struct, IRtnScheme
        where T : unmanaged
    {
        var loop = new RowsLoop<TScheme, T>(
            ref codes, rowBytes, ref scales, groups, count, ref activations, ref activationScales, ref offsetSums, m, columns, g, format, bias, sums, products);
        Tiers.Run(tier, ref loop);
    }

    /// <summary>One row, one code at a time; the integer sums need no offset correction.</summary>
    private static float RowScalar<TScheme, T>(ref byte codes, ref T scales, ref sbyte activations, ref float activationScales, int groups, int half, int g, byte offsetMask)
        where TScheme : struct, IRtnScheme
        where T : unmanaged
    {
        g = SchemeConstants<TScheme>.GroupSizeOf(g);
        var total = 0f;
        for (var j = 0; j < groups; j++)
        {
            long sum = 0;
            for (var c = j * g; c < (j + 1) * g; c++)
            {
                var a = SchemeConstants<TScheme>.IsInt4 ? Unsafe.Add(ref activations, ((c & 1) * half) + (c >> 1)) : Unsafe.Add(ref activations, c);
                sum += DequantizeLoops.Code<TScheme>(ref codes, c, offsetMask) * a;
            }

            total = MathF.FusedMultiplyAdd(sum, Precision<T>.ToSingle(Unsafe.Add(ref scales, j)) * Unsafe.Add(ref activationScales, j), total);
        }

        return total;
    }

    /// <summary>
    /// Four rows at one width, or only the first when <typeparamref name="TBlock"/> is
    /// <see cref="SingleRow"/> (the others are then not read), <paramref name="p0"/> to
    /// <paramref name="p3"/> the rows' products of weight and activation scales. For 4 bits a vector of bytes gives the low nibbles (even
    /// columns) and the high nibbles (odd columns), each against its own half of the activations,
    /// in separate accumulators where the width keeps them apart (eight independent dot-product
    /// chains), in one where it sums both pairs before widening (see
    /// <see cref="ISimdWidth{TVector}.DotNibbles"/>). The layout changes and the mask applies in
    /// one step (<see cref="ISimdWidth{TVector}.XorAnd"/>). The products are read from
    /// memory only where a group's sum enters the total, so they hold no registers during the dot
    /// products: the VEX-encoded vpdpbusd reaches only the first 16, which those chains need.
    /// Each shape of group has a loop of its own, not inlined: in one method their locals
    /// outnumber those the JIT keeps in registers, and the totals went to the stack on every group
    /// (measured: twice the time, in cache).
    /// </summary>
    private static Vector128<float> RowsVectors<TScheme, TBlock, TWidth, TVector>(
        ref byte c0, ref byte c1, ref byte c2, ref byte c3, ref float p0, ref float p1, ref float p2, ref float p3,
        ref sbyte activations, ref float offsetSums, int half, int groups, int g, RtnFormat format, int ahead)
        where TScheme : struct, IRtnScheme
        where TBlock : struct, IRowBlock
        where TWidth : struct, ISimdWidth<TVector>
        where TVector : struct
    {
        g = SchemeConstants<TScheme>.GroupSizeOf(g);
        var groupBytes = SchemeConstants<TScheme>.IsInt4 ? g / 2 : g;
        var step = 4 * TWidth.Count;
        if (SchemeConstants<TScheme>.IsInt4 && groupBytes == step)
        {
            return WholeGroups<TScheme, TBlock, TWidth, TVector, NibbleStep<TWidth, TVector>>(
                ref c0, ref c1, ref c2, ref c3, ref p0, ref p1, ref p2, ref p3, ref activations, ref offsetSums, half, groups, groupBytes, format, ahead);
        }

        if (!SchemeConstants<TScheme>.IsInt4 && groupBytes == 4 * step)
        {
            return WholeGroups<TScheme, TBlock, TWidth, TVector, BytePairSteps<TWidth, TVector>>(
                ref c0, ref c1, ref c2, ref c3, ref p0, ref p1, ref p2, ref p3, ref activations, ref offsetSums, half, groups, groupBytes, format, ahead);
        }

        return ChunkedGroups<TScheme, TBlock, TWidth, TVector>(
            ref c0, ref c1, ref c2, ref c3, ref p0, ref p1, ref p2, ref p3, ref activations, ref offsetSums, half, groups, groupBytes, format, ahead);
    }

    /// <summary>
    /// Groups of a fixed number of steps, <typeparamref name="TDot"/> giving a group's integer
    /// sums: no loops inside the group, whose bookkeeping would cost as much as the steps themselves.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static Vector128<float> WholeGroups<TScheme, TBlock, TWidth, TVector, TDot>(
        ref byte c0, ref byte c1, ref byte c2, ref byte c3, ref float p0, ref float p1, ref float p2, ref float p3,
        ref sbyte activations, ref float offsetSums, int half, int groups, int groupBytes, RtnFormat format, int ahead)
        where TScheme : struct, IRtnScheme
        where TBlock : struct, IRowBlock
        where TWidth : struct, ISimdWidth<TVector>
        where TVector : struct
        where TDot : struct, IGroupDot<TWidth, TVector>
    {
        var toOffset = ToOffset<TScheme, TWidth, TVector>(format);
        ref var even = ref Unsafe.As<sbyte, byte>(ref activations);
        ref var odd = ref Unsafe.Add(ref even, half);
        var (t0, t1, t2, t3) = (TWidth.Zero, TWidth.Zero, TWidth.Zero, TWidth.Zero);
        for (var j = 0; j < groups; j++)
        {
            var k = j * groupBytes;
            Prefetch<TBlock>(ref c0, ref c1, ref c2, ref c3, ahead, k, k + groupBytes);
            var a = TDot.Activations(ref even, ref odd, k);
            var offset = TWidth.Broadcast(-Unsafe.Add(ref offsetSums, j) / TWidth.Count);
            t0 = TWidth.FusedMultiplyAdd(TWidth.Add(TWidth.ConvertInt32ToSingle(TDot.Sums(ref Unsafe.Add(ref c0, k), a, toOffset)), offset), TWidth.Broadcast(Unsafe.Add(ref p0, j)), t0);
            if (!TBlock.Single)
            {
                t1 = TWidth.FusedMultiplyAdd(TWidth.Add(TWidth.ConvertInt32ToSingle(TDot.Sums(ref Unsafe.Add(ref c1, k), a, toOffset)), offset), TWidth.Broadcast(Unsafe.Add(ref p1, j)), t1);
                t2 = TWidth.FusedMultiplyAdd(TWidth.Add(TWidth.ConvertInt32ToSingle(TDot.Sums(ref Unsafe.Add(ref c2, k), a, toOffset)), offset), TWidth.Broadcast(Unsafe.Add(ref p2, j)), t2);
                t3 = TWidth.FusedMultiplyAdd(TWidth.Add(TWidth.ConvertInt32ToSingle(TDot.Sums(ref Unsafe.Add(ref c3, k), a, toOffset)), offset), TWidth.Broadcast(Unsafe.Add(ref p3, j)), t3);
            }
        }

        return TWidth.SumEach(t0, t1, t2, t3);
    }

    /// <summary>Groups of any length, in chunks of at most <see cref="ChunkBytes"/>.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static Vector128<float> ChunkedGroups<TScheme, TBlock, TWidth, TVector>(
        ref byte c0, ref byte c1, ref byte c2, ref byte c3, ref float p0, ref float p1, ref float p2, ref float p3,
        ref sbyte activations, ref float offsetSums, int half, int groups, int groupBytes, RtnFormat format, int ahead)
        where TScheme : struct, IRtnScheme
        where TBlock : struct, IRowBlock
        where TWidth : struct, ISimdWidth<TVector>
        where TVector : struct
    {
        var toOffset = ToOffset<TScheme, TWidth, TVector>(format);
        var lowNibbles = TWidth.BroadcastBits(0x0F0F0F0Fu);
        ref var even = ref Unsafe.As<sbyte, byte>(ref activations);
        ref var odd = ref Unsafe.Add(ref even, half);
        var step = 4 * TWidth.Count;
        var (t0, t1, t2, t3) = (TWidth.Zero, TWidth.Zero, TWidth.Zero, TWidth.Zero);
        for (var j = 0; j < groups; j++)
        {
            var start = j * groupBytes;
            var end = start + groupBytes;
            Prefetch<TBlock>(ref c0, ref c1, ref c2, ref c3, ahead, start, end);
            var offset = TWidth.Broadcast(-Unsafe.Add(ref offsetSums, j) / TWidth.Count);
            for (var chunk = start; chunk < end; chunk += ChunkBytes)
            {
                var chunkEnd = Math.Min(end, chunk + ChunkBytes);
                var (i0, i1, i2, i3) = (TWidth.Zero, TWidth.Zero, TWidth.Zero, TWidth.Zero);
                if (SchemeConstants<TScheme>.IsInt4)
                {
                    var (h0, h1, h2, h3) = (TWidth.Zero, TWidth.Zero, TWidth.Zero, TWidth.Zero);
                    for (var k = chunk; k < chunkEnd; k += step)
                    {
                        var ae = TWidth.LoadBytes(ref Unsafe.Add(ref even, k));
                        var ao = TWidth.LoadBytes(ref Unsafe.Add(ref odd, k));
                        (i0, h0) = NibbleProducts<TWidth, TVector>(i0, h0, ref Unsafe.Add(ref c0, k), ae, ao, toOffset, lowNibbles);
                        if (!TBlock.Single)
                        {
                            (i1, h1) = NibbleProducts<TWidth, TVector>(i1, h1, ref Unsafe.Add(ref c1, k), ae, ao, toOffset, lowNibbles);
                            (i2, h2) = NibbleProducts<TWidth, TVector>(i2, h2, ref Unsafe.Add(ref c2, k), ae, ao, toOffset, lowNibbles);
                            (i3, h3) = NibbleProducts<TWidth, TVector>(i3, h3, ref Unsafe.Add(ref c3, k), ae, ao, toOffset, lowNibbles);
                        }
                    }

                    (i0, i1, i2, i3) = (TWidth.AddBits(i0, h0), TWidth.AddBits(i1, h1), TWidth.AddBits(i2, h2), TWidth.AddBits(i3, h3));
                }
                else
                {
                    // Two steps at a time into separate sums: eight dot-product chains, not four
                    // chains that each wait for the last step's result.
                    var (h0, h1, h2, h3) = (TWidth.Zero, TWidth.Zero, TWidth.Zero, TWidth.Zero);
                    var k = chunk;
                    for (; k + (2 * step) <= chunkEnd; k += 2 * step)
                    {
                        var a = TWidth.LoadBytes(ref Unsafe.Add(ref even, k));
                        var b = TWidth.LoadBytes(ref Unsafe.Add(ref even, k + step));
                        (i0, h0) = BytePairProducts<TWidth, TVector>(i0, h0, ref Unsafe.Add(ref c0, k), a, b, toOffset);
                        if (!TBlock.Single)
                        {
                            (i1, h1) = BytePairProducts<TWidth, TVector>(i1, h1, ref Unsafe.Add(ref c1, k), a, b, toOffset);
                            (i2, h2) = BytePairProducts<TWidth, TVector>(i2, h2, ref Unsafe.Add(ref c2, k), a, b, toOffset);
                            (i3, h3) = BytePairProducts<TWidth, TVector>(i3, h3, ref Unsafe.Add(ref c3, k), a, b, toOffset);
                        }
                    }

                    if (k < chunkEnd)
                    {
                        var a = TWidth.LoadBytes(ref Unsafe.Add(ref even, k));
                        i0 = TWidth.DotBytes(i0, TWidth.Xor(TWidth.LoadBytes(ref Unsafe.Add(ref c0, k)), toOffset), a);
                        if (!TBlock.Single)
                        {
                            i1 = TWidth.DotBytes(i1, TWidth.Xor(TWidth.LoadBytes(ref Unsafe.Add(ref c1, k)), toOffset), a);
                            i2 = TWidth.DotBytes(i2, TWidth.Xor(TWidth.LoadBytes(ref Unsafe.Add(ref c2, k)), toOffset), a);
                            i3 = TWidth.DotBytes(i3, TWidth.Xor(TWidth.LoadBytes(ref Unsafe.Add(ref c3, k)), toOffset), a);
                        }
                    }

                    (i0, i1, i2, i3) = (TWidth.AddBits(i0, h0), TWidth.AddBits(i1, h1), TWidth.AddBits(i2, h2), TWidth.AddBits(i3, h3));
                }

                t0 = TWidth.FusedMultiplyAdd(TWidth.Add(TWidth.ConvertInt32ToSingle(i0), offset), TWidth.Broadcast(Unsafe.Add(ref p0, j)), t0);
                if (!TBlock.Single)
                {
                    t1 = TWidth.FusedMultiplyAdd(TWidth.Add(TWidth.ConvertInt32ToSingle(i1), offset), TWidth.Broadcast(Unsafe.Add(ref p1, j)), t1);
                    t2 = TWidth.FusedMultiplyAdd(TWidth.Add(TWidth.ConvertInt32ToSingle(i2), offset), TWidth.Broadcast(Unsafe.Add(ref p2, j)), t2);
                    t3 = TWidth.FusedMultiplyAdd(TWidth.Add(TWidth.ConvertInt32ToSingle(i3), offset), TWidth.Broadcast(Unsafe.Add(ref p3, j)), t3);
                }

                offset = TWidth.Zero;
            }
        }

        return TWidth.SumEach(t0, t1, t2, t3);
    }

    /// <summary>The bits that turn the stored layout's code bytes into offset codes (zero when they are offset codes already).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TVector ToOffset<TScheme, TWidth, TVector>(RtnFormat format)
        where TScheme : struct, IRtnScheme
        where TWidth : struct, ISimdWidth<TVector>
        where TVector : struct =>
        TWidth.BroadcastBits(0x01010101u * (uint)(SchemeConstants<TScheme>.OffsetMask(RtnFormat.Offset) ^ SchemeConstants<TScheme>.OffsetMask(format)));

    /// <summary>Asks for bytes <c>[from, to)</c> of the rows <see cref="RowsVectors"/> reads, <paramref name="ahead"/> bytes on.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Prefetch<TBlock>(ref byte c0, ref byte c1, ref byte c2, ref byte c3, int ahead, int from, int to)
        where TBlock : struct, IRowBlock
    {
        if (TBlock.Single)
        {
            MatVecLoops.Prefetch(ref c0, ahead, from, to);
        }
        else
        {
            MatVecLoops.Prefetch(ref c0, ref c1, ref c2, ref c3, ahead, from, to);
        }
    }

    /// <summary>
    /// Adds one step of one row's 4-bit codes, times the activations, to the row's sums of low and
    /// high nibbles (see <see cref="ISimdWidth{TVector}.DotNibbles"/>).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static (TVector Low, TVector High) NibbleProducts<TWidth, TVector>(
        TVector lowSums, TVector highSums, ref byte codes, TVector even, TVector odd, TVector toOffset, TVector lowNibbles)
        where TWidth : struct, ISimdWidth<TVector>
        where TVector : struct
    {
        var b = TWidth.LoadBytes(ref codes);
        return TWidth.DotNibbles(lowSums, highSums, TWidth.XorAnd(b, toOffset, lowNibbles), even, TWidth.XorAnd(TWidth.ShiftRight(b, 4), toOffset, lowNibbles), odd);
    }

    /// <summary>Adds two consecutive steps of one row's 8-bit codes, read as one pair (<see cref="ISimdWidth{TVector}.LoadBytePair"/>), times activations <paramref name="a"/> and <paramref name="b"/>, to two sums.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static (TVector First, TVector Second) BytePairProducts<TWidth, TVector>(TVector first, TVector second, ref byte codes, TVector a, TVector b, TVector toOffset)
        where TWidth : struct, ISimdWidth<TVector>
        where TVector : struct
    {
        var (u, v) = TWidth.LoadBytePair(ref codes, toOffset);
        return (TWidth.DotBytes(first, u, a), TWidth.DotBytes(second, v, b));
    }

    /// <summary><c>products[k] = scales[k] · activationScales[k]</c> for <paramref name="groups"/> groups (one row's, or a block's), the weight scales widened as they are read.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void ScaleProducts<T, TWidth, TVector>(ref T scales, ref float activationScales, int groups, ref float products)
        where T : unmanaged
        where TWidth : struct, ISimdWidth<TVector>
        where TVector : struct
    {
        if (groups < TWidth.Count)
        {
            for (var j = 0; j < groups; j++)
            {
                Unsafe.Add(ref products, j) = Precision<T>.ToSingle(Unsafe.Add(ref scales, j)) * Unsafe.Add(ref activationScales, j);
            }

            return;
        }

        var last = groups - TWidth.Count;
        for (var j = 0; ; j += TWidth.Count)
        {
            j = Math.Min(j, last);
            TWidth.Store(TWidth.Multiply(Lanes<TWidth, TVector>.Load(ref Unsafe.Add(ref scales, j)), TWidth.Load(ref Unsafe.Add(ref activationScales, j))), ref Unsafe.Add(ref products, j));
            if (j == last)
            {
                return;
            }
        }
    }

    /// <summary>
    /// Whether a width's step, a vector of code bytes, divides the group; and, for 8-bit codes at
    /// 512 bits, that the machine lacks AVX-VNNI: .NET exposes no 512-bit vpdpbusd short of AVX10,
    /// and an 8-bit code times an activation can overflow the 16-bit pair sums of vpmaddubsw, so
    /// two 256-bit vpdpbusd beat widening every product (measured: about 1.5× on Zen 4). 4-bit
    /// codes pair safely in 16 bits and run at 512 bits (<see cref="Width512.DotNibbles"/>).
    /// </summary>
    private readonly struct StepFit<TScheme>(int g) : IWidthFit
        where TScheme : struct, IRtnScheme
    {
        public bool Fits(int lanes) =>
            g % ((SchemeConstants<TScheme>.IsInt4 ? 8 : 4) * lanes) == 0
            && (SchemeConstants<TScheme>.IsInt4 || !(lanes == Width512.Count && AvxVnni.IsSupported));
    }

    /// <summary>
    /// A group's integer dot product in a fixed number of steps (<see cref="WholeGroups"/>): the
    /// group's activations, loaded once for all rows of a block, and one row's sums against them.
    /// </summary>
    private interface IGroupDot<TWidth, TVector>
        where TWidth : struct, ISimdWidth<TVector>
        where TVector : struct
    {
        static abstract (TVector A, TVector B, TVector C, TVector D) Activations(ref byte even, ref byte odd, int k);

        static abstract TVector Sums(ref byte codes, (TVector A, TVector B, TVector C, TVector D) activations, TVector toOffset);
    }

    /// <summary>4-bit codes, one step per group (128 codes at 512 bits, the default group): the even and the odd columns' activations.</summary>
    private readonly struct NibbleStep<TWidth, TVector> : IGroupDot<TWidth, TVector>
        where TWidth : struct, ISimdWidth<TVector>
        where TVector : struct
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static (TVector A, TVector B, TVector C, TVector D) Activations(ref byte even, ref byte odd, int k) =>
            (TWidth.LoadBytes(ref Unsafe.Add(ref even, k)), TWidth.LoadBytes(ref Unsafe.Add(ref odd, k)), TWidth.Zero, TWidth.Zero);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static TVector Sums(ref byte codes, (TVector A, TVector B, TVector C, TVector D) activations, TVector toOffset)
        {
            var (low, high) = NibbleProducts<TWidth, TVector>(TWidth.Zero, TWidth.Zero, ref codes, activations.A, activations.B, toOffset, TWidth.BroadcastBits(0x0F0F0F0Fu));
            return TWidth.AddBits(low, high);
        }
    }

    /// <summary>8-bit codes, two step pairs per group (128 codes at 256 bits, the default group where AVX-VNNI runs): four steps' activations.</summary>
    private readonly struct BytePairSteps<TWidth, TVector> : IGroupDot<TWidth, TVector>
        where TWidth : struct, ISimdWidth<TVector>
        where TVector : struct
    {
        private static int Step => 4 * TWidth.Count;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static (TVector A, TVector B, TVector C, TVector D) Activations(ref byte even, ref byte odd, int k) => (
            TWidth.LoadBytes(ref Unsafe.Add(ref even, k)), TWidth.LoadBytes(ref Unsafe.Add(ref even, k + Step)),
            TWidth.LoadBytes(ref Unsafe.Add(ref even, k + (2 * Step))), TWidth.LoadBytes(ref Unsafe.Add(ref even, k + (3 * Step))));

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static TVector Sums(ref byte codes, (TVector A, TVector B, TVector C, TVector D) activations, TVector toOffset)
        {
            var (first, second) = BytePairProducts<TWidth, TVector>(TWidth.Zero, TWidth.Zero, ref codes, activations.A, activations.B, toOffset);
            (first, second) = BytePairProducts<TWidth, TVector>(first, second, ref Unsafe.Add(ref codes, 2 * Step), activations.C, activations.D, toOffset);
            return TWidth.AddBits(first, second);
        }
    }

    /// <summary>The rows <see cref="RowsVectors"/> computes: a block of four, or only the first.</summary>
    private interface IRowBlock
    {
        static abstract bool Single { get; }
    }

    private readonly struct FourRows : IRowBlock
    {
        public static bool Single => false;
    }

    private readonly struct SingleRow : IRowBlock
    {
        public static bool Single => true;
    }

    private ref struct RowsLoop<TScheme, T>(
        ref byte codes, int rowBytes, ref T scales, int groups, int count,
        ref sbyte activations, ref float activationScales, ref float offsetSums, int m, int columns, int g, RtnFormat format,
        ReadOnlySpan<float> bias, Span<float> sums, Span<float> products) : IWidthLoop
        where TScheme : struct, IRtnScheme
        where T : unmanaged
    {
        private readonly ref byte codes = ref codes;
        private readonly ref T scales = ref scales;
        private readonly ref sbyte activations = ref activations;
        private readonly ref float activationScales = ref activationScales;
        private readonly ref float offsetSums = ref offsetSums;
        private readonly ReadOnlySpan<float> bias = bias;
        private readonly Span<float> sums = sums;
        private readonly Span<float> products = products;

        bool IWidthFit.Fits(int lanes) => new StepFit<TScheme>(g).Fits(lanes);

        [MethodImpl(MethodImplOptions.NoInlining)]
        readonly void IWidthLoop.Run<TWidth, TVector>()
        {
            ref var p0 = ref MemoryMarshal.GetReference(products);
            ref var p1 = ref Unsafe.Add(ref p0, groups);
            ref var p2 = ref Unsafe.Add(ref p1, groups);
            ref var p3 = ref Unsafe.Add(ref p2, groups);
            if (m == 1)
            {
                for (var r = 0; r < count; r++)
                {
                    if (r % MatVecLoops.BlockRows == 0)
                    {
                        MatVecLoops.PrefetchBlockScales(ref Scales(r), groups);
                    }

                    ScaleProducts<T, TWidth, TVector>(ref Scales(r), ref activationScales, groups, ref p0);
                    var total = RowsVectors<TScheme, SingleRow, TWidth, TVector>(
                        ref Row(r), ref Row(r), ref Row(r), ref Row(r), ref p0, ref p0, ref p0, ref p0,
                        ref activations, ref offsetSums, columns / 2, groups, g, format, SingleRowPrefetchBytes);
                    sums[r] = total.ToScalar() + bias[r];
                }

                return;
            }

            var ahead = MatVecLoops.PrefetchRows * rowBytes;
            for (var r = 0; r < count; r += MatVecLoops.BlockRows)
            {
                // A short last block repeats its last row; the repeats are not stored.
                var (r1, r2, r3) = (Math.Min(r + 1, count - 1), Math.Min(r + 2, count - 1), Math.Min(r + 3, count - 1));
                MatVecLoops.PrefetchBlockScales(ref Scales(r), groups);
                for (var i = 0; i < m; i++)
                {
                    ref var d = ref Unsafe.Add(ref activationScales, i * MatVecLoops.BlockRows * groups);
                    if (r + MatVecLoops.BlockRows <= count)
                    {
                        ScaleProducts<T, TWidth, TVector>(ref Scales(r), ref d, MatVecLoops.BlockRows * groups, ref p0);
                    }
                    else
                    {
                        ScaleProducts<T, TWidth, TVector>(ref Scales(r), ref d, groups, ref p0);
                        ScaleProducts<T, TWidth, TVector>(ref Scales(r1), ref d, groups, ref p1);
                        ScaleProducts<T, TWidth, TVector>(ref Scales(r2), ref d, groups, ref p2);
                        ScaleProducts<T, TWidth, TVector>(ref Scales(r3), ref d, groups, ref p3);
                    }

                    var totals = RowsVectors<TScheme, FourRows, TWidth, TVector>(
                        ref Row(r), ref Row(r1), ref Row(r2), ref Row(r3), ref p0, ref p1, ref p2, ref p3,
                        ref Unsafe.Add(ref activations, i * columns), ref Unsafe.Add(ref offsetSums, i * groups), columns / 2, groups, g, format, ahead);
                    MatVecLoops.StoreBlock(totals, bias, sums.Slice(i * count, count), r);
                }
            }
        }

        readonly void IWidthLoop.RunScalar()
        {
            var offsetMask = SchemeConstants<TScheme>.OffsetMask(format);
            var half = columns / 2;
            for (var r = 0; r < count; r++)
            {
                for (var i = 0; i < m; i++)
                {
                    sums[(i * count) + r] = bias[r] + RowScalar<TScheme, T>(
                        ref Row(r), ref Scales(r), ref Unsafe.Add(ref activations, i * columns), ref Unsafe.Add(ref activationScales, i * MatVecLoops.BlockRows * groups), groups, half, g, offsetMask);
                }
            }
        }

        private readonly ref byte Row(int r) => ref Unsafe.Add(ref codes, (nint)r * rowBytes);

        private readonly ref T Scales(int r) => ref Unsafe.Add(ref scales, (nint)r * groups);
    }
}
