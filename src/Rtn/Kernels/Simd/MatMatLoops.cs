using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using Rtn.Kernels.Drivers;

namespace Rtn.Kernels.Simd;

/// <summary>
/// The quantized matrix-matrix product for many activation rows. A panel of weight rows ×
/// <see cref="Depth"/> columns is dequantized once into fp32 and reused against every activation
/// row: a register tile holds, for each panel row, two vectors of activation rows, and every
/// step broadcasts one weight against them. Activations are packed once per call, column-major
/// in blocks of a tile's lanes, so each step loads two contiguous vectors.
/// </summary>
internal static class MatMatLoops
{
    /// <summary>Columns per panel (the k-blocking): a 12-row fp32 panel is 12 KiB and stays in L1.</summary>
    public const int Depth = 256;

    /// <summary>Activation rows per pass over the panels, and the row stride of a tile's accumulators.</summary>
    public const int Width = 256;

    /// <summary>
    /// The register tile at <paramref name="tier"/>: weight rows per panel, and activation rows
    /// per tile (two vectors; one in a narrow tile). The scalar tier never runs a tile and gets
    /// the 128-bit one.
    /// </summary>
    public static (int PanelRows, int TileLanes) TileShape(VectorTier tier)
    {
        var query = new TileShapeQuery();
        Tiers.Run(tier == VectorTier.Scalar ? VectorTier.Vector128 : tier, ref query);
        return query.Shape;
    }

    /// <summary>
    /// Dequantizes <paramref name="rows"/> weight rows (of <paramref name="panelRows"/>; the rest
    /// are zeros) over columns <c>[first, first + depth)</c> into <paramref name="panel"/>, one
    /// row per <see cref="Depth"/> floats. The width is chosen once for the panel, the widest whose
    /// vectors fit in a whole group; a shorter run (where a group crosses the panel's edge) takes
    /// the widest loop that fits it.
    /// </summary>
    public static void DecodePanel<TScheme>(
        VectorTier tier, ref byte codes, int rowBytes, ref float scales, int groups, int g, int rows, int panelRows, int first, int depth, ref float panel, RtnFormat format)
        where TScheme : struct, IRtnScheme
    {
        var loop = new PanelLoop<TScheme>(tier, ref codes, rowBytes, ref scales, groups, SchemeConstants<TScheme>.GroupSizeOf(g), rows, panelRows, first, depth, ref panel, format);
        Tiers.Run(tier, ref loop);
    }

    /// <summary>
    /// Adds <c>panel · x</c> over <paramref name="depth"/> columns into the accumulators at
    /// <paramref name="tile"/> (row n of the panel at <c>tile + n·Width</c>, one value per
    /// activation row); <paramref name="x"/> is a packed block of <c>TileLanes</c> floats per
    /// column, or half as many when <paramref name="narrow"/>.
    /// </summary>
    public static void Tile(VectorTier tier, bool narrow, ref float panel, ref float x, int depth, ref float tile)
    {
        var loop = new TileLoop(narrow, ref panel, ref x, depth, ref tile);
        Tiers.Run(tier == VectorTier.Scalar ? VectorTier.Vector128 : tier, ref loop);
    }

    /// <summary>
    /// <c>PanelRows</c> panel rows × one or two vectors of activation rows: 24 accumulators at
    /// 512 bits, 12 below, half as many in a narrow tile (the last block, when few rows remain).
    /// The rows come in bands of six; the second band exists only where the width's registers
    /// hold it, and the second vector only in a wide tile. Both tests fold to constants, so each
    /// instance compiles to its own tile.
    /// </summary>
    private static void Tile<TWidth, TVector, TColumns>(ref float panel, ref float x, int depth, ref float tile)
        where TWidth : struct, ISimdWidth<TVector>
        where TVector : struct
        where TColumns : struct, ITileColumns
    {
        var twelve = TWidth.PanelRows == 12;
        var (r0a, r0b, r1a, r1b, r2a, r2b) = (TWidth.Zero, TWidth.Zero, TWidth.Zero, TWidth.Zero, TWidth.Zero, TWidth.Zero);
        var (r3a, r3b, r4a, r4b, r5a, r5b) = (TWidth.Zero, TWidth.Zero, TWidth.Zero, TWidth.Zero, TWidth.Zero, TWidth.Zero);
        var (r6a, r6b, r7a, r7b, r8a, r8b) = (TWidth.Zero, TWidth.Zero, TWidth.Zero, TWidth.Zero, TWidth.Zero, TWidth.Zero);
        var (r9a, r9b, r10a, r10b, r11a, r11b) = (TWidth.Zero, TWidth.Zero, TWidth.Zero, TWidth.Zero, TWidth.Zero, TWidth.Zero);
        LoadBand<TWidth, TVector, TColumns>(ref tile, ref r0a, ref r0b, ref r1a, ref r1b, ref r2a, ref r2b, ref r3a, ref r3b, ref r4a, ref r4b, ref r5a, ref r5b);
        if (twelve)
        {
            LoadBand<TWidth, TVector, TColumns>(ref Unsafe.Add(ref tile, 6 * Width), ref r6a, ref r6b, ref r7a, ref r7b, ref r8a, ref r8b, ref r9a, ref r9b, ref r10a, ref r10b, ref r11a, ref r11b);
        }

        var step = (TColumns.Two ? 2 : 1) * TWidth.Count;
        for (var k = 0; k < depth; k++)
        {
            var xa = TWidth.Load(ref x);
            var xb = TColumns.Two ? TWidth.Load(ref Unsafe.Add(ref x, TWidth.Count)) : TWidth.Zero;
            AccumulateBand<TWidth, TVector, TColumns>(ref panel, xa, xb, ref r0a, ref r0b, ref r1a, ref r1b, ref r2a, ref r2b, ref r3a, ref r3b, ref r4a, ref r4b, ref r5a, ref r5b);
            if (twelve)
            {
                AccumulateBand<TWidth, TVector, TColumns>(ref Unsafe.Add(ref panel, 6 * Depth), xa, xb, ref r6a, ref r6b, ref r7a, ref r7b, ref r8a, ref r8b, ref r9a, ref r9b, ref r10a, ref r10b, ref r11a, ref r11b);
            }

            panel = ref Unsafe.Add(ref panel, 1);
            x = ref Unsafe.Add(ref x, step);
        }

        StoreBand<TWidth, TVector, TColumns>(ref tile, ref r0a, ref r0b, ref r1a, ref r1b, ref r2a, ref r2b, ref r3a, ref r3b, ref r4a, ref r4b, ref r5a, ref r5b);
        if (twelve)
        {
            StoreBand<TWidth, TVector, TColumns>(ref Unsafe.Add(ref tile, 6 * Width), ref r6a, ref r6b, ref r7a, ref r7b, ref r8a, ref r8b, ref r9a, ref r9b, ref r10a, ref r10b, ref r11a, ref r11b);
        }
    }

    /// <summary>Six rows' accumulators from <paramref name="tile"/> (the second vectors stay zero in a narrow tile).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void LoadBand<TWidth, TVector, TColumns>(ref float tile, ref TVector r0a, ref TVector r0b, ref TVector r1a, ref TVector r1b, ref TVector r2a, ref TVector r2b, ref TVector r3a, ref TVector r3b, ref TVector r4a, ref TVector r4b, ref TVector r5a, ref TVector r5b)
        where TWidth : struct, ISimdWidth<TVector>
        where TVector : struct
        where TColumns : struct, ITileColumns
    {
        LoadRow<TWidth, TVector, TColumns>(ref Unsafe.Add(ref tile, 0 * Width), ref r0a, ref r0b);
        LoadRow<TWidth, TVector, TColumns>(ref Unsafe.Add(ref tile, 1 * Width), ref r1a, ref r1b);
        LoadRow<TWidth, TVector, TColumns>(ref Unsafe.Add(ref tile, 2 * Width), ref r2a, ref r2b);
        LoadRow<TWidth, TVector, TColumns>(ref Unsafe.Add(ref tile, 3 * Width), ref r3a, ref r3b);
        LoadRow<TWidth, TVector, TColumns>(ref Unsafe.Add(ref tile, 4 * Width), ref r4a, ref r4b);
        LoadRow<TWidth, TVector, TColumns>(ref Unsafe.Add(ref tile, 5 * Width), ref r5a, ref r5b);
    }

    /// <summary>One column of a six-row band times the activation vectors, added to the rows' accumulators.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void AccumulateBand<TWidth, TVector, TColumns>(ref float panel, TVector xa, TVector xb, ref TVector r0a, ref TVector r0b, ref TVector r1a, ref TVector r1b, ref TVector r2a, ref TVector r2b, ref TVector r3a, ref TVector r3b, ref TVector r4a, ref TVector r4b, ref TVector r5a, ref TVector r5b)
        where TWidth : struct, ISimdWidth<TVector>
        where TVector : struct
        where TColumns : struct, ITileColumns
    {
        Accumulate<TWidth, TVector, TColumns>(Unsafe.Add(ref panel, 0 * Depth), xa, xb, ref r0a, ref r0b);
        Accumulate<TWidth, TVector, TColumns>(Unsafe.Add(ref panel, 1 * Depth), xa, xb, ref r1a, ref r1b);
        Accumulate<TWidth, TVector, TColumns>(Unsafe.Add(ref panel, 2 * Depth), xa, xb, ref r2a, ref r2b);
        Accumulate<TWidth, TVector, TColumns>(Unsafe.Add(ref panel, 3 * Depth), xa, xb, ref r3a, ref r3b);
        Accumulate<TWidth, TVector, TColumns>(Unsafe.Add(ref panel, 4 * Depth), xa, xb, ref r4a, ref r4b);
        Accumulate<TWidth, TVector, TColumns>(Unsafe.Add(ref panel, 5 * Depth), xa, xb, ref r5a, ref r5b);
    }

    /// <summary>Six rows' accumulators back to <paramref name="tile"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void StoreBand<TWidth, TVector, TColumns>(ref float tile, ref TVector r0a, ref TVector r0b, ref TVector r1a, ref TVector r1b, ref TVector r2a, ref TVector r2b, ref TVector r3a, ref TVector r3b, ref TVector r4a, ref TVector r4b, ref TVector r5a, ref TVector r5b)
        where TWidth : struct, ISimdWidth<TVector>
        where TVector : struct
        where TColumns : struct, ITileColumns
    {
        StoreRow<TWidth, TVector, TColumns>(r0a, r0b, ref Unsafe.Add(ref tile, 0 * Width));
        StoreRow<TWidth, TVector, TColumns>(r1a, r1b, ref Unsafe.Add(ref tile, 1 * Width));
        StoreRow<TWidth, TVector, TColumns>(r2a, r2b, ref Unsafe.Add(ref tile, 2 * Width));
        StoreRow<TWidth, TVector, TColumns>(r3a, r3b, ref Unsafe.Add(ref tile, 3 * Width));
        StoreRow<TWidth, TVector, TColumns>(r4a, r4b, ref Unsafe.Add(ref tile, 4 * Width));
        StoreRow<TWidth, TVector, TColumns>(r5a, r5b, ref Unsafe.Add(ref tile, 5 * Width));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void LoadRow<TWidth, TVector, TColumns>(ref float row, ref TVector a, ref TVector b)
        where TWidth : struct, ISimdWidth<TVector>
        where TVector : struct
        where TColumns : struct, ITileColumns
    {
        a = TWidth.Load(ref row);
        if (TColumns.Two)
        {
            b = TWidth.Load(ref Unsafe.Add(ref row, TWidth.Count));
        }
    }

    /// <summary>One weight times the activation vectors, added to its row's accumulators.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Accumulate<TWidth, TVector, TColumns>(float weight, TVector xa, TVector xb, ref TVector a, ref TVector b)
        where TWidth : struct, ISimdWidth<TVector>
        where TVector : struct
        where TColumns : struct, ITileColumns
    {
        var w = TWidth.Broadcast(weight);
        a = TWidth.FusedMultiplyAdd(w, xa, a);
        if (TColumns.Two)
        {
            b = TWidth.FusedMultiplyAdd(w, xb, b);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void StoreRow<TWidth, TVector, TColumns>(TVector a, TVector b, ref float row)
        where TWidth : struct, ISimdWidth<TVector>
        where TVector : struct
        where TColumns : struct, ITileColumns
    {
        TWidth.Store(a, ref row);
        if (TColumns.Two)
        {
            TWidth.Store(b, ref Unsafe.Add(ref row, TWidth.Count));
        }
    }

    /// <summary>How many vectors of activation rows a tile spans.</summary>
    private interface ITileColumns
    {
        static abstract bool Two { get; }
    }

    /// <summary>Two vectors of activation rows.</summary>
    private readonly struct WideTile : ITileColumns
    {
        public static bool Two => true;
    }

    /// <summary>One vector of activation rows.</summary>
    private readonly struct NarrowTile : ITileColumns
    {
        public static bool Two => false;
    }

    private readonly ref struct TileLoop(bool narrow, ref float panel, ref float x, int depth, ref float tile) : IWidthLoop
    {
        private readonly ref float panel = ref panel;
        private readonly ref float x = ref x;
        private readonly ref float tile = ref tile;

        bool IWidthFit.Fits(int lanes) => true;

        void IWidthLoop.Run<TWidth, TVector>()
        {
            if (narrow)
            {
                Tile<TWidth, TVector, NarrowTile>(ref panel, ref x, depth, ref tile);
            }
            else
            {
                Tile<TWidth, TVector, WideTile>(ref panel, ref x, depth, ref tile);
            }
        }

        void IWidthLoop.RunScalar() => throw new InvalidOperationException("The matrix product's tiles run at a vector tier.");
    }

    private ref struct TileShapeQuery : IWidthLoop
    {
        public (int PanelRows, int TileLanes) Shape { get; private set; }

        bool IWidthFit.Fits(int lanes) => true;

        void IWidthLoop.Run<TWidth, TVector>() =>
            Shape = (TWidth.PanelRows, 2 * TWidth.Count);

        void IWidthLoop.RunScalar() => throw new InvalidOperationException("The matrix product's tiles run at a vector tier.");
    }

    private readonly ref struct PanelLoop<TScheme>(
        VectorTier tier, ref byte codes, int rowBytes, ref float scales, int groups, int g, int rows, int panelRows, int first, int depth, ref float panel, RtnFormat format) : IWidthLoop
        where TScheme : struct, IRtnScheme
    {
        private readonly ref byte codes = ref codes;
        private readonly ref float scales = ref scales;
        private readonly ref float panel = ref panel;

        bool IWidthFit.Fits(int lanes) => g >= 2 * lanes;

        [MethodImpl(MethodImplOptions.NoInlining)]
        void IWidthLoop.Run<TWidth, TVector>() => Decode<TWidth, TVector>(tier);

        void IWidthLoop.RunScalar() => Decode<Width128, Vector128<float>>(VectorTier.Scalar);

        /// <summary>Runs that fit <typeparamref name="TWidth"/> go straight to its loop, unless <paramref name="runTier"/> is scalar.</summary>
        private void Decode<TWidth, TVector>(VectorTier runTier)
            where TWidth : struct, ISimdWidth<TVector>
            where TVector : struct
        {
            var nibbles = TWidth.NibbleValues(format);
            for (var n = 0; n < panelRows; n++)
            {
                ref var target = ref Unsafe.Add(ref panel, n * Depth);
                if (n >= rows)
                {
                    MemoryMarshal.CreateSpan(ref target, depth).Clear();
                    continue;
                }

                ref var row = ref Unsafe.Add(ref codes, (nint)n * rowBytes);
                for (var c = first; c < first + depth;)
                {
                    var j = c / g;
                    var end = Math.Min(first + depth, (j + 1) * g);
                    ref var start = ref Unsafe.Add(ref row, SchemeConstants<TScheme>.IsInt4 ? c / 2 : c);
                    var scale = Unsafe.Add(ref scales, (n * groups) + j);
                    if (runTier != VectorTier.Scalar && end - c >= 2 * TWidth.Count)
                    {
                        DequantizeLoops.RunVectors<TScheme, float, TWidth, TVector>(ref start, end - c, scale, ref Unsafe.Add(ref target, c - first), format, nibbles);
                    }
                    else
                    {
                        DequantizeLoops.Run<TScheme, float>(runTier, ref start, end - c, scale, ref Unsafe.Add(ref target, c - first), format);
                    }

                    c = end;
                }
            }
        }
    }
}
