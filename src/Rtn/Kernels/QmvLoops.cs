using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Rtn.Kernels;

/// <summary>
/// The quantized matrix-vector product (qmv) for four weight rows at a time: per group, one
/// accumulator vector per row sums <c>q · x</c>; the group's scale then enters with a single
/// FMA, and each row takes one horizontal sum at the end. 4-bit rows are read against the
/// activations split once per call into even and odd columns, so a byte's low nibbles meet the
/// even columns and its high nibbles the odd ones without any shuffling. Each group first asks
/// for the same bytes <see cref="PrefetchRows"/> rows further on: rows are only a few KiB, too
/// short for the hardware prefetcher to ramp up (measured: about 25% more bandwidth at 4096 columns).
/// </summary>
internal static class QmvLoops
{
    /// <summary>How far ahead, in rows, the codes are fetched into L2.</summary>
    private const int PrefetchRows = 16;

    /// <summary>Columns one step of a tier covers: a vector of codes, or two for 4 bits.</summary>
    public static int Step<TScheme>(VectorTier tier)
        where TScheme : struct, IRtnScheme =>
        (SchemeConstants<TScheme>.IsInt4 ? 2 : 1) * tier switch
        {
            VectorTier.Vector512 => Lanes512.Count,
            VectorTier.Vector256 => Lanes256.Count,
            VectorTier.Vector128 => Lanes128.Count,
            _ => 1,
        };

    /// <summary>
    /// <c>Σ_j s[r, j] · Σ_c q[r, c] · x[c]</c> for rows <paramref name="rows"/> (four indices,
    /// repeated for a short last block). <paramref name="activations"/> holds x, or for 4 bits its
    /// even columns followed by its odd ones (<c>columns/2</c> each); <paramref name="g"/> is a
    /// multiple of the tier's step.
    /// </summary>
    public static Vector128<float> Rows4<TScheme>(
        VectorTier tier, ref byte codes, int rowBytes, ref float scales, int groups, (int, int, int, int) rows, ref float activations, int columns, int g, RtnFormat format)
        where TScheme : struct, IRtnScheme
    {
        var (r0, r1, r2, r3) = rows;
        ref var c0 = ref Unsafe.Add(ref codes, (nint)r0 * rowBytes);
        ref var c1 = ref Unsafe.Add(ref codes, (nint)r1 * rowBytes);
        ref var c2 = ref Unsafe.Add(ref codes, (nint)r2 * rowBytes);
        ref var c3 = ref Unsafe.Add(ref codes, (nint)r3 * rowBytes);
        ref var s0 = ref Unsafe.Add(ref scales, (nint)r0 * groups);
        ref var s1 = ref Unsafe.Add(ref scales, (nint)r1 * groups);
        ref var s2 = ref Unsafe.Add(ref scales, (nint)r2 * groups);
        ref var s3 = ref Unsafe.Add(ref scales, (nint)r3 * groups);
        var offset = Vector128.Create(SchemeConstants<TScheme>.OffsetMask(format));
        return tier switch
        {
            VectorTier.Vector512 when SchemeConstants<TScheme>.IsInt4 =>
                Int4Rows512<TScheme>(ref c0, ref c1, ref c2, ref c3, ref s0, ref s1, ref s2, ref s3, ref activations, columns / 2, groups, g, Lanes512.NibbleValues(format), PrefetchRows * rowBytes),
            VectorTier.Vector512 =>
                Int8Rows512<TScheme>(ref c0, ref c1, ref c2, ref c3, ref s0, ref s1, ref s2, ref s3, ref activations, groups, g, offset, PrefetchRows * rowBytes),
            VectorTier.Vector256 =>
                Rows256<TScheme>(ref c0, ref c1, ref c2, ref c3, ref s0, ref s1, ref s2, ref s3, ref activations, columns / 2, groups, g, offset, PrefetchRows * rowBytes),
            VectorTier.Vector128 =>
                Rows128<TScheme>(ref c0, ref c1, ref c2, ref c3, ref s0, ref s1, ref s2, ref s3, ref activations, columns / 2, groups, g, offset),
            _ => Vector128.Create(
                RowScalar<TScheme>(ref c0, ref s0, ref activations, groups, g, format),
                RowScalar<TScheme>(ref c1, ref s1, ref activations, groups, g, format),
                RowScalar<TScheme>(ref c2, ref s2, ref activations, groups, g, format),
                RowScalar<TScheme>(ref c3, ref s3, ref activations, groups, g, format)),
        };
    }

    /// <summary>One row, one value at a time, against x in natural column order.</summary>
    private static float RowScalar<TScheme>(ref byte codes, ref float scales, ref float x, int groups, int g, RtnFormat format)
        where TScheme : struct, IRtnScheme
    {
        g = SchemeConstants<TScheme>.GroupSize(g);
        var offsetMask = SchemeConstants<TScheme>.OffsetMask(format);
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

    // half: bytes per row, which is also where the odd activations start.
    private static Vector128<float> Int4Rows512<TScheme>(
        ref byte c0, ref byte c1, ref byte c2, ref byte c3, ref float s0, ref float s1, ref float s2, ref float s3,
        ref float activations, int half, int groups, int g, Vector512<float> nibbles, int ahead)
        where TScheme : struct, IRtnScheme
    {
        var groupBytes = SchemeConstants<TScheme>.GroupSize(g) / 2;
        ref var xOdd = ref Unsafe.Add(ref activations, half);
        var (t0, t1, t2, t3) = (Vector512<float>.Zero, Vector512<float>.Zero, Vector512<float>.Zero, Vector512<float>.Zero);
        for (var j = 0; j < groups; j++)
        {
            // Even and odd columns in separate accumulators: eight independent FMA chains.
            var (e0, e1, e2, e3) = (Vector512<float>.Zero, Vector512<float>.Zero, Vector512<float>.Zero, Vector512<float>.Zero);
            var (o0, o1, o2, o3) = (Vector512<float>.Zero, Vector512<float>.Zero, Vector512<float>.Zero, Vector512<float>.Zero);
            var end = (j + 1) * groupBytes;
            Prefetch(ref c0, ref c1, ref c2, ref c3, ahead, j * groupBytes, end);
            for (var k = j * groupBytes; k < end; k += Lanes512.Count)
            {
                var xe = Vector512.LoadUnsafe(ref activations, (nuint)k);
                var xo = Vector512.LoadUnsafe(ref xOdd, (nuint)k);
                var (even, odd) = Lanes512.DecodeInt4ByParity(ref Unsafe.Add(ref c0, k), nibbles);
                (e0, o0) = (Vector512.FusedMultiplyAdd(even, xe, e0), Vector512.FusedMultiplyAdd(odd, xo, o0));
                (even, odd) = Lanes512.DecodeInt4ByParity(ref Unsafe.Add(ref c1, k), nibbles);
                (e1, o1) = (Vector512.FusedMultiplyAdd(even, xe, e1), Vector512.FusedMultiplyAdd(odd, xo, o1));
                (even, odd) = Lanes512.DecodeInt4ByParity(ref Unsafe.Add(ref c2, k), nibbles);
                (e2, o2) = (Vector512.FusedMultiplyAdd(even, xe, e2), Vector512.FusedMultiplyAdd(odd, xo, o2));
                (even, odd) = Lanes512.DecodeInt4ByParity(ref Unsafe.Add(ref c3, k), nibbles);
                (e3, o3) = (Vector512.FusedMultiplyAdd(even, xe, e3), Vector512.FusedMultiplyAdd(odd, xo, o3));
            }

            t0 = Vector512.FusedMultiplyAdd(e0 + o0, Vector512.Create(Unsafe.Add(ref s0, j)), t0);
            t1 = Vector512.FusedMultiplyAdd(e1 + o1, Vector512.Create(Unsafe.Add(ref s1, j)), t1);
            t2 = Vector512.FusedMultiplyAdd(e2 + o2, Vector512.Create(Unsafe.Add(ref s2, j)), t2);
            t3 = Vector512.FusedMultiplyAdd(e3 + o3, Vector512.Create(Unsafe.Add(ref s3, j)), t3);
        }

        return Vector128.Create(Vector512.Sum(t0), Vector512.Sum(t1), Vector512.Sum(t2), Vector512.Sum(t3));
    }

    private static Vector128<float> Int8Rows512<TScheme>(
        ref byte c0, ref byte c1, ref byte c2, ref byte c3, ref float s0, ref float s1, ref float s2, ref float s3,
        ref float x, int groups, int g, Vector128<byte> offset, int ahead)
        where TScheme : struct, IRtnScheme
    {
        g = SchemeConstants<TScheme>.GroupSize(g);
        var (t0, t1, t2, t3) = (Vector512<float>.Zero, Vector512<float>.Zero, Vector512<float>.Zero, Vector512<float>.Zero);
        for (var j = 0; j < groups; j++)
        {
            var (a0, a1, a2, a3) = (Vector512<float>.Zero, Vector512<float>.Zero, Vector512<float>.Zero, Vector512<float>.Zero);
            var end = (j + 1) * g;
            Prefetch(ref c0, ref c1, ref c2, ref c3, ahead, j * g, end);
            for (var c = j * g; c < end; c += Lanes512.Count)
            {
                var xv = Vector512.LoadUnsafe(ref x, (nuint)c);
                a0 = Vector512.FusedMultiplyAdd(Lanes512.DecodeInt8(ref Unsafe.Add(ref c0, c), offset), xv, a0);
                a1 = Vector512.FusedMultiplyAdd(Lanes512.DecodeInt8(ref Unsafe.Add(ref c1, c), offset), xv, a1);
                a2 = Vector512.FusedMultiplyAdd(Lanes512.DecodeInt8(ref Unsafe.Add(ref c2, c), offset), xv, a2);
                a3 = Vector512.FusedMultiplyAdd(Lanes512.DecodeInt8(ref Unsafe.Add(ref c3, c), offset), xv, a3);
            }

            t0 = Vector512.FusedMultiplyAdd(a0, Vector512.Create(Unsafe.Add(ref s0, j)), t0);
            t1 = Vector512.FusedMultiplyAdd(a1, Vector512.Create(Unsafe.Add(ref s1, j)), t1);
            t2 = Vector512.FusedMultiplyAdd(a2, Vector512.Create(Unsafe.Add(ref s2, j)), t2);
            t3 = Vector512.FusedMultiplyAdd(a3, Vector512.Create(Unsafe.Add(ref s3, j)), t3);
        }

        return Vector128.Create(Vector512.Sum(t0), Vector512.Sum(t1), Vector512.Sum(t2), Vector512.Sum(t3));
    }

    private static Vector128<float> Rows256<TScheme>(
        ref byte c0, ref byte c1, ref byte c2, ref byte c3, ref float s0, ref float s1, ref float s2, ref float s3,
        ref float activations, int half, int groups, int g, Vector128<byte> offset, int ahead)
        where TScheme : struct, IRtnScheme
    {
        g = SchemeConstants<TScheme>.GroupSize(g);
        var (t0, t1, t2, t3) = (Vector256<float>.Zero, Vector256<float>.Zero, Vector256<float>.Zero, Vector256<float>.Zero);
        for (var j = 0; j < groups; j++)
        {
            var (a0, a1, a2, a3) = (Vector256<float>.Zero, Vector256<float>.Zero, Vector256<float>.Zero, Vector256<float>.Zero);
            if (SchemeConstants<TScheme>.IsInt4)
            {
                ref var xOdd = ref Unsafe.Add(ref activations, half);
                var end = (j + 1) * g / 2;
                Prefetch(ref c0, ref c1, ref c2, ref c3, ahead, j * g / 2, end);
                for (var k = j * g / 2; k < end; k += Lanes256.Count)
                {
                    var xe = Vector256.LoadUnsafe(ref activations, (nuint)k);
                    var xo = Vector256.LoadUnsafe(ref xOdd, (nuint)k);
                    var (even, odd) = Lanes256.DecodeInt4ByParity(ref Unsafe.Add(ref c0, k), offset);
                    a0 = Vector256.FusedMultiplyAdd(odd, xo, Vector256.FusedMultiplyAdd(even, xe, a0));
                    (even, odd) = Lanes256.DecodeInt4ByParity(ref Unsafe.Add(ref c1, k), offset);
                    a1 = Vector256.FusedMultiplyAdd(odd, xo, Vector256.FusedMultiplyAdd(even, xe, a1));
                    (even, odd) = Lanes256.DecodeInt4ByParity(ref Unsafe.Add(ref c2, k), offset);
                    a2 = Vector256.FusedMultiplyAdd(odd, xo, Vector256.FusedMultiplyAdd(even, xe, a2));
                    (even, odd) = Lanes256.DecodeInt4ByParity(ref Unsafe.Add(ref c3, k), offset);
                    a3 = Vector256.FusedMultiplyAdd(odd, xo, Vector256.FusedMultiplyAdd(even, xe, a3));
                }
            }
            else
            {
                var end = (j + 1) * g;
                Prefetch(ref c0, ref c1, ref c2, ref c3, ahead, j * g, end);
                for (var c = j * g; c < end; c += Lanes256.Count)
                {
                    var xv = Vector256.LoadUnsafe(ref activations, (nuint)c);
                    a0 = Vector256.FusedMultiplyAdd(Lanes256.DecodeInt8(ref Unsafe.Add(ref c0, c), offset), xv, a0);
                    a1 = Vector256.FusedMultiplyAdd(Lanes256.DecodeInt8(ref Unsafe.Add(ref c1, c), offset), xv, a1);
                    a2 = Vector256.FusedMultiplyAdd(Lanes256.DecodeInt8(ref Unsafe.Add(ref c2, c), offset), xv, a2);
                    a3 = Vector256.FusedMultiplyAdd(Lanes256.DecodeInt8(ref Unsafe.Add(ref c3, c), offset), xv, a3);
                }
            }

            t0 = Vector256.FusedMultiplyAdd(a0, Vector256.Create(Unsafe.Add(ref s0, j)), t0);
            t1 = Vector256.FusedMultiplyAdd(a1, Vector256.Create(Unsafe.Add(ref s1, j)), t1);
            t2 = Vector256.FusedMultiplyAdd(a2, Vector256.Create(Unsafe.Add(ref s2, j)), t2);
            t3 = Vector256.FusedMultiplyAdd(a3, Vector256.Create(Unsafe.Add(ref s3, j)), t3);
        }

        return Vector128.Create(Vector256.Sum(t0), Vector256.Sum(t1), Vector256.Sum(t2), Vector256.Sum(t3));
    }

    private static Vector128<float> Rows128<TScheme>(
        ref byte c0, ref byte c1, ref byte c2, ref byte c3, ref float s0, ref float s1, ref float s2, ref float s3,
        ref float activations, int half, int groups, int g, Vector128<byte> offset)
        where TScheme : struct, IRtnScheme
    {
        g = SchemeConstants<TScheme>.GroupSize(g);
        var (t0, t1, t2, t3) = (Vector128<float>.Zero, Vector128<float>.Zero, Vector128<float>.Zero, Vector128<float>.Zero);
        for (var j = 0; j < groups; j++)
        {
            var (a0, a1, a2, a3) = (Vector128<float>.Zero, Vector128<float>.Zero, Vector128<float>.Zero, Vector128<float>.Zero);
            if (SchemeConstants<TScheme>.IsInt4)
            {
                ref var xOdd = ref Unsafe.Add(ref activations, half);
                var end = (j + 1) * g / 2;
                for (var k = j * g / 2; k < end; k += Lanes128.Count)
                {
                    var xe = Vector128.LoadUnsafe(ref activations, (nuint)k);
                    var xo = Vector128.LoadUnsafe(ref xOdd, (nuint)k);
                    var (even, odd) = Lanes128.DecodeInt4ByParity(ref Unsafe.Add(ref c0, k), offset);
                    a0 = Vector128.FusedMultiplyAdd(odd, xo, Vector128.FusedMultiplyAdd(even, xe, a0));
                    (even, odd) = Lanes128.DecodeInt4ByParity(ref Unsafe.Add(ref c1, k), offset);
                    a1 = Vector128.FusedMultiplyAdd(odd, xo, Vector128.FusedMultiplyAdd(even, xe, a1));
                    (even, odd) = Lanes128.DecodeInt4ByParity(ref Unsafe.Add(ref c2, k), offset);
                    a2 = Vector128.FusedMultiplyAdd(odd, xo, Vector128.FusedMultiplyAdd(even, xe, a2));
                    (even, odd) = Lanes128.DecodeInt4ByParity(ref Unsafe.Add(ref c3, k), offset);
                    a3 = Vector128.FusedMultiplyAdd(odd, xo, Vector128.FusedMultiplyAdd(even, xe, a3));
                }
            }
            else
            {
                var end = (j + 1) * g;
                for (var c = j * g; c < end; c += Lanes128.Count)
                {
                    var xv = Vector128.LoadUnsafe(ref activations, (nuint)c);
                    a0 = Vector128.FusedMultiplyAdd(Lanes128.DecodeInt8(ref Unsafe.Add(ref c0, c), offset), xv, a0);
                    a1 = Vector128.FusedMultiplyAdd(Lanes128.DecodeInt8(ref Unsafe.Add(ref c1, c), offset), xv, a1);
                    a2 = Vector128.FusedMultiplyAdd(Lanes128.DecodeInt8(ref Unsafe.Add(ref c2, c), offset), xv, a2);
                    a3 = Vector128.FusedMultiplyAdd(Lanes128.DecodeInt8(ref Unsafe.Add(ref c3, c), offset), xv, a3);
                }
            }

            t0 = Vector128.FusedMultiplyAdd(a0, Vector128.Create(Unsafe.Add(ref s0, j)), t0);
            t1 = Vector128.FusedMultiplyAdd(a1, Vector128.Create(Unsafe.Add(ref s1, j)), t1);
            t2 = Vector128.FusedMultiplyAdd(a2, Vector128.Create(Unsafe.Add(ref s2, j)), t2);
            t3 = Vector128.FusedMultiplyAdd(a3, Vector128.Create(Unsafe.Add(ref s3, j)), t3);
        }

        return Vector128.Create(Vector128.Sum(t0), Vector128.Sum(t1), Vector128.Sum(t2), Vector128.Sum(t3));
    }

    /// <summary>Asks for bytes <c>[from, to)</c> of the four rows <paramref name="ahead"/> bytes on, one request per cache line.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static unsafe void Prefetch(ref byte c0, ref byte c1, ref byte c2, ref byte c3, int ahead, int from, int to)
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
}
