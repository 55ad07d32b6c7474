using System.Buffers;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Rtn.Kernels.Simd;

namespace Rtn.Kernels.Drivers;

/// <summary>
/// <c>y = x · W'ᵀ + bias</c> for one scheme, never building <c>W'</c>: a matrix-vector product
/// (MatVec) per activation row when there are few of them, the panel product (MatMat) otherwise. All
/// sums are fp32; weight rows are shared out between threads, so each output is computed by one
/// thread in one order, whatever the thread count.
/// </summary>
internal static unsafe class MatMulDriver<TScheme>
    where TScheme : struct, IRtnScheme
{
    /// <summary>From this many activation rows on, reusing a dequantized panel beats decoding the codes per row.</summary>
    private const int PanelMinRows = 4;

    /// <summary>Weight rows per MatVec block.</summary>
    private const int MatVecRows = MatVecLoops.BlockRows;

    /// <summary>Panels per MatMat work item: their rows share one pass over the packed activations.</summary>
    private const int PanelsPerItem = 4;

    public static void MatMul<T>(RtnConfig config, ReadOnlySpan<T> x, int m, ReadOnlySpan<byte> packed, ReadOnlySpan<T> scales, int rows, int columns, ReadOnlySpan<T> bias, Span<T> y, RtnFormat format, KernelOptions options)
        where T : unmanaged
    {
        var validated = KernelArguments.ForProduct<T>(config, m, rows, columns, x.Length, packed.Length, scales.Length, bias.Length, y.Length);
        var g = SchemeConstants<TScheme>.GroupSizeOf(validated);
        if (options.ResolvePrecision() == MatMulPrecision.Int8Activations)
        {
            Int8ActivationDriver<TScheme>.MatMul(x, m, packed, scales, rows, columns, g, bias, y, format, options);
            return;
        }

        var tier = MatVecLoops.TierFor<TScheme>(options.ResolveTier(), g);
        var threads = options.ResolveThreads();

        fixed (byte* p = packed)
        fixed (T* s = scales)
        fixed (T* b = bias)
        fixed (T* yp = y)
        {
            var problem = new Problem<T>
            {
                Packed = p,
                Scales = s,
                Bias = bias.IsEmpty ? null : b,
                Y = yp,
                M = m,
                Rows = rows,
                Columns = columns,
                GroupSize = g,
                Format = format,
                Tier = tier,
            };

            if (m < PanelMinRows || tier == VectorTier.Scalar)
            {
                MatVec(problem, x, threads);
            }
            else
            {
                MatMat(problem, x, threads);
            }
        }
    }

    private static void MatVec<T>(Problem<T> problem, ReadOnlySpan<T> x, int threads)
        where T : unmanaged
    {
        // The vector tiers read 4-bit rows against even and odd columns apart; the rest read x as it is.
        var split = SchemeConstants<TScheme>.IsInt4 && problem.Tier != VectorTier.Scalar;
        var columns = problem.Columns;
        float[]? rented = null;
        try
        {
            ReadOnlySpan<float> activations;
            if (typeof(T) == typeof(float) && !split)
            {
                activations = MemoryMarshal.Cast<T, float>(x);
            }
            else
            {
                rented = ArrayPool<float>.Shared.Rent((problem.M + 1) * columns);
                var widened = rented.AsSpan(problem.M * columns, columns);
                for (var i = 0; i < problem.M; i++)
                {
                    var row = rented.AsSpan(i * columns, columns);
                    ElementConversions.Widen(problem.Tier, x.Slice(i * columns, columns), split ? widened : row);
                    if (split)
                    {
                        SplitColumns(widened, row);
                    }
                }

                activations = rented.AsSpan(0, problem.M * columns);
            }

            fixed (float* a = activations)
            {
                var work = new MatVecWork<T> { Problem = problem, Activations = a };
                Workers.Run(work, (problem.Rows + MatVecRows - 1) / MatVecRows, (long)MatVecRows * columns * problem.M, threads);
            }
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<float>.Shared.Return(rented);
            }
        }
    }

    /// <summary>Even columns to the first half of <paramref name="split"/>, odd columns to the second.</summary>
    private static void SplitColumns(ReadOnlySpan<float> row, Span<float> split)
    {
        var half = row.Length / 2;
        for (var k = 0; k < half; k++)
        {
            split[k] = row[2 * k];
            split[half + k] = row[(2 * k) + 1];
        }
    }

    private static void MatMat<T>(Problem<T> problem, ReadOnlySpan<T> x, int threads)
        where T : unmanaged
    {
        var (panelRows, lanes) = MatMatLoops.TileShape(problem.Tier);
        var blocks = (problem.M + lanes - 1) / lanes;
        var packedLength = blocks * lanes * problem.Columns;
        var rented = ArrayPool<float>.Shared.Rent(packedLength);
        try
        {
            fixed (T* xp = x)
            fixed (float* a = rented)
            {
                var pack = new PackWork<T> { X = xp, Packed = a, M = problem.M, Columns = problem.Columns, Lanes = lanes, Tier = problem.Tier };
                Workers.Run(pack, blocks, (long)lanes * problem.Columns, threads);

                var rowsPerItem = PanelsPerItem * panelRows;
                var work = new MatMatWork<T> { Problem = problem, Activations = a, Blocks = blocks, RowsPerItem = rowsPerItem };
                Workers.Run(work, (problem.Rows + rowsPerItem - 1) / rowsPerItem, (long)rowsPerItem * problem.Columns * problem.M, threads);
            }
        }
        finally
        {
            ArrayPool<float>.Shared.Return(rented);
        }
    }

    /// <summary>
    /// Lanes of packed block <paramref name="b"/>: a tile's, except that a last block with at most
    /// half as many rows left is narrow, so that a few rows do not pay for a full tile.
    /// </summary>
    private static int LanesIn(int b, int m, int lanes) =>
        m - (b * lanes) <= lanes / 2 ? lanes / 2 : lanes;

    /// <summary>A call's arguments, pinned for the workers.</summary>
    private struct Problem<T>
        where T : unmanaged
    {
        public byte* Packed;
        public T* Scales;
        public T* Bias;
        public T* Y;
        public int M;
        public int Rows;
        public int Columns;
        public int GroupSize;
        public RtnFormat Format;
        public VectorTier Tier;

        public readonly int Groups => Columns / GroupSize;

        public readonly int RowBytes => SchemeConstants<TScheme>.IsInt4 ? Columns / 2 : Columns;

        /// <summary>Widens the scales of rows <c>[first, first + count)</c> into <paramref name="destination"/>.</summary>
        public readonly void WidenScales(int first, int count, Span<float> destination) =>
            ElementConversions.Widen(Tier, new ReadOnlySpan<T>(Scales + ((long)first * Groups), count * Groups), destination);

        /// <summary>The bias of rows <c>[first, first + count)</c> in fp32, zeros without one.</summary>
        public readonly void WidenBias(int first, int count, Span<float> destination)
        {
            if (Bias is null)
            {
                destination.Clear();
            }
            else
            {
                ElementConversions.Widen(Tier, new ReadOnlySpan<T>(Bias + first, count), destination);
            }
        }

        /// <summary>Rounds row <paramref name="i"/>'s outputs for weight rows <c>[first, first + values.Length)</c> to T.</summary>
        public readonly void Store(int i, int first, ReadOnlySpan<float> values) =>
            ElementConversions.Narrow(Tier, values, new Span<T>(Y + ((long)i * Rows) + first, values.Length));
    }

    private struct MatVecWork<T> : IWorkItem
        where T : unmanaged
    {
        public Problem<T> Problem;
        public float* Activations;

        public readonly void Run(int start, int end)
        {
            var p = Problem;
            var first = start * MatVecRows;
            var count = Math.Min(end * MatVecRows, p.Rows) - first;
            var groups = p.Groups;
            var rented = ArrayPool<float>.Shared.Rent((MatVecRows * groups) + ((p.M + 1) * count));
            try
            {
                var widened = rented.AsSpan(0, MatVecRows * groups);
                var bias = rented.AsSpan(MatVecRows * groups, count);
                var sums = rented.AsSpan((MatVecRows * groups) + count, p.M * count);
                p.WidenBias(first, count, bias);
                MatVecLoops.Rows<TScheme, T>(
                    p.Tier, ref *(p.Packed + ((long)first * p.RowBytes)), p.RowBytes, ref *(p.Scales + ((long)first * groups)), groups, count,
                    ref *Activations, p.M, p.Columns, p.GroupSize, p.Format, bias, sums, widened);

                for (var i = 0; i < p.M; i++)
                {
                    p.Store(i, first, sums.Slice(i * count, count));
                }
            }
            finally
            {
                ArrayPool<float>.Shared.Return(rented);
            }
        }
    }

    /// <summary>
    /// Packs activations column-major in blocks of a tile's lanes: block b holds rows
    /// <c>[b·L, (b+1)·L)</c>, zero-padded, and starts at <c>b·L·columns</c>.
    /// </summary>
    private struct PackWork<T> : IWorkItem
        where T : unmanaged
    {
        public T* X;
        public float* Packed;
        public int M;
        public int Columns;
        public int Lanes;
        public VectorTier Tier;

        public readonly void Run(int start, int end)
        {
            var rented = ArrayPool<float>.Shared.Rent(Columns);
            try
            {
                var row = rented.AsSpan(0, Columns);
                for (var b = start; b < end; b++)
                {
                    var lanes = LanesIn(b, M, Lanes);
                    var block = new Span<float>(Packed + ((long)b * Lanes * Columns), lanes * Columns);
                    for (var lane = 0; lane < lanes; lane++)
                    {
                        var i = (b * Lanes) + lane;
                        if (i < M)
                        {
                            ElementConversions.Widen(Tier, new ReadOnlySpan<T>(X + ((long)i * Columns), Columns), row);
                        }
                        else
                        {
                            row.Clear();
                        }

                        for (var c = 0; c < Columns; c++)
                        {
                            block[(c * lanes) + lane] = row[c];
                        }
                    }
                }
            }
            finally
            {
                ArrayPool<float>.Shared.Return(rented);
            }
        }
    }

    private struct MatMatWork<T> : IWorkItem
        where T : unmanaged
    {
        public Problem<T> Problem;
        public float* Activations;
        public int Blocks;
        public int RowsPerItem;

        public readonly void Run(int start, int end)
        {
            var p = Problem;
            var (panelRows, lanes) = MatMatLoops.TileShape(p.Tier);
            var groups = p.Groups;
            var tileLength = RowsPerItem * MatMatLoops.Width;
            var panelLength = panelRows * MatMatLoops.Depth;
            var rented = ArrayPool<float>.Shared.Rent(tileLength + panelLength + (RowsPerItem * (groups + 2)));
            try
            {
                var tile = rented.AsSpan(0, tileLength);
                var panel = rented.AsSpan(tileLength, panelLength);
                var scales = rented.AsSpan(tileLength + panelLength, RowsPerItem * groups);
                var bias = rented.AsSpan(tileLength + panelLength + (RowsPerItem * groups), RowsPerItem);
                var sums = rented.AsSpan(tileLength + panelLength + (RowsPerItem * (groups + 1)), RowsPerItem);
                for (var item = start; item < end; item++)
                {
                    var first = item * RowsPerItem;
                    var count = Math.Min(RowsPerItem, p.Rows - first);
                    p.WidenScales(first, count, scales);
                    p.WidenBias(first, count, bias);
                    ref var codes = ref *(p.Packed + ((long)first * p.RowBytes));
                    for (var block0 = 0; block0 < Blocks; block0 += MatMatLoops.Width / lanes)
                    {
                        var blocksHere = Math.Min(MatMatLoops.Width / lanes, Blocks - block0);
                        tile.Clear();
                        for (var k = 0; k < p.Columns; k += MatMatLoops.Depth)
                        {
                            var depth = Math.Min(MatMatLoops.Depth, p.Columns - k);
                            for (var n = 0; n < count; n += panelRows)
                            {
                                MatMatLoops.DecodePanel<TScheme>(
                                    p.Tier, ref Unsafe.Add(ref codes, (nint)n * p.RowBytes), p.RowBytes, ref scales[n * groups], groups, p.GroupSize,
                                    Math.Min(panelRows, count - n), panelRows, k, depth, ref MemoryMarshal.GetReference(panel), p.Format);
                                for (var b = 0; b < blocksHere; b++)
                                {
                                    var narrow = LanesIn(block0 + b, p.M, lanes) < lanes;
                                    ref var x = ref *(Activations + ((((long)(block0 + b) * p.Columns) * lanes) + ((long)k * (narrow ? lanes / 2 : lanes))));
                                    MatMatLoops.Tile(p.Tier, narrow, ref MemoryMarshal.GetReference(panel), ref x, depth, ref tile[(n * MatMatLoops.Width) + (b * lanes)]);
                                }
                            }
                        }

                        var lastRow = Math.Min(p.M, (block0 + blocksHere) * lanes);
                        for (var i = block0 * lanes; i < lastRow; i++)
                        {
                            for (var n = 0; n < count; n++)
                            {
                                sums[n] = tile[(n * MatMatLoops.Width) + i - (block0 * lanes)] + bias[n];
                            }

                            p.Store(i, first, sums[..count]);
                        }
                    }
                }
            }
            finally
            {
                ArrayPool<float>.Shared.Return(rented);
            }
        }
    }
}
