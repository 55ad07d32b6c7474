using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
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
        var loop = new TileLoop(tier == VectorTier.Scalar ? VectorTier.Vector128 : tier);
        Tiers.Run(loop.Tier, ref loop);
        return loop.Shape;
    }

    /// <summary>
    /// Dequantizes <paramref name="rows"/> weight rows (of <paramref name="panelRows"/>; the rest
    /// are zeros) over columns <c>[first, first + depth)</c> into <paramref name="panel"/>, one
    /// row per <see cref="Depth"/> floats; each run with one scale takes the widest loop that fits.
    /// </summary>
    public static void DecodePanel<TScheme>(
        VectorTier tier, ref byte codes, int rowBytes, ref float scales, int groups, int g, int rows, int panelRows, int first, int depth, ref float panel, RtnFormat format)
        where TScheme : struct, IRtnScheme
    {
        g = SchemeConstants<TScheme>.GroupSizeOf(g);
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
                DequantizeLoops.Run<TScheme, float>(tier, ref start, end - c, Unsafe.Add(ref scales, (n * groups) + j), ref Unsafe.Add(ref target, c - first), format);
                c = end;
            }
        }
    }

    /// <summary>
    /// Adds <c>panel · x</c> over <paramref name="depth"/> columns into the accumulators at
    /// <paramref name="tile"/> (row n of the panel at <c>tile + n·Width</c>, one value per
    /// activation row); <paramref name="x"/> is a packed block of <c>TileLanes</c> floats per
    /// column, or half as many when <paramref name="narrow"/>.
    /// </summary>
    public static void Tile(VectorTier tier, bool narrow, ref float panel, ref float x, int depth, ref float tile)
    {
        var loop = new TileLoop(tier == VectorTier.Scalar ? VectorTier.Vector128 : tier, narrow, ref panel, ref x, depth, ref tile);
        Tiers.Run(loop.Tier, ref loop);
    }


    /// <summary>PanelRows panel rows × two vectors of activation rows (24 accumulators at 512 bits, 12 below).</summary>
    private static void TileWide<TWidth, TVector>(ref float panel, ref float x, int depth, ref float tile)
        where TWidth : struct, ISimdWidth<TVector>
        where TVector : struct
    {
        // Rows 6 to 11 exist only where the width's registers hold them; the test folds to a
        // constant, so a 6-row width compiles to a 6-row tile.
        var twelve = TWidth.PanelRows == 12;
        var n = TWidth.Count;
        var r0a = TWidth.Load(ref Unsafe.Add(ref tile, (0 * Width)));
        var r0b = TWidth.Load(ref Unsafe.Add(ref tile, (0 * Width) + n));
        var r1a = TWidth.Load(ref Unsafe.Add(ref tile, (1 * Width)));
        var r1b = TWidth.Load(ref Unsafe.Add(ref tile, (1 * Width) + n));
        var r2a = TWidth.Load(ref Unsafe.Add(ref tile, (2 * Width)));
        var r2b = TWidth.Load(ref Unsafe.Add(ref tile, (2 * Width) + n));
        var r3a = TWidth.Load(ref Unsafe.Add(ref tile, (3 * Width)));
        var r3b = TWidth.Load(ref Unsafe.Add(ref tile, (3 * Width) + n));
        var r4a = TWidth.Load(ref Unsafe.Add(ref tile, (4 * Width)));
        var r4b = TWidth.Load(ref Unsafe.Add(ref tile, (4 * Width) + n));
        var r5a = TWidth.Load(ref Unsafe.Add(ref tile, (5 * Width)));
        var r5b = TWidth.Load(ref Unsafe.Add(ref tile, (5 * Width) + n));
        var r6a = TWidth.Zero;
        var r6b = TWidth.Zero;
        var r7a = TWidth.Zero;
        var r7b = TWidth.Zero;
        var r8a = TWidth.Zero;
        var r8b = TWidth.Zero;
        var r9a = TWidth.Zero;
        var r9b = TWidth.Zero;
        var r10a = TWidth.Zero;
        var r10b = TWidth.Zero;
        var r11a = TWidth.Zero;
        var r11b = TWidth.Zero;
        if (twelve)
        {
            r6a = TWidth.Load(ref Unsafe.Add(ref tile, (6 * Width)));
            r6b = TWidth.Load(ref Unsafe.Add(ref tile, (6 * Width) + n));
            r7a = TWidth.Load(ref Unsafe.Add(ref tile, (7 * Width)));
            r7b = TWidth.Load(ref Unsafe.Add(ref tile, (7 * Width) + n));
            r8a = TWidth.Load(ref Unsafe.Add(ref tile, (8 * Width)));
            r8b = TWidth.Load(ref Unsafe.Add(ref tile, (8 * Width) + n));
            r9a = TWidth.Load(ref Unsafe.Add(ref tile, (9 * Width)));
            r9b = TWidth.Load(ref Unsafe.Add(ref tile, (9 * Width) + n));
            r10a = TWidth.Load(ref Unsafe.Add(ref tile, (10 * Width)));
            r10b = TWidth.Load(ref Unsafe.Add(ref tile, (10 * Width) + n));
            r11a = TWidth.Load(ref Unsafe.Add(ref tile, (11 * Width)));
            r11b = TWidth.Load(ref Unsafe.Add(ref tile, (11 * Width) + n));
        }

        for (var k = 0; k < depth; k++)
        {
            var xa = TWidth.Load(ref x);
            var xb = TWidth.Load(ref Unsafe.Add(ref x, n));
            var w0 = TWidth.Broadcast(Unsafe.Add(ref panel, 0 * Depth));
            (r0a, r0b) = (TWidth.FusedMultiplyAdd(w0, xa, r0a), TWidth.FusedMultiplyAdd(w0, xb, r0b));
            var w1 = TWidth.Broadcast(Unsafe.Add(ref panel, 1 * Depth));
            (r1a, r1b) = (TWidth.FusedMultiplyAdd(w1, xa, r1a), TWidth.FusedMultiplyAdd(w1, xb, r1b));
            var w2 = TWidth.Broadcast(Unsafe.Add(ref panel, 2 * Depth));
            (r2a, r2b) = (TWidth.FusedMultiplyAdd(w2, xa, r2a), TWidth.FusedMultiplyAdd(w2, xb, r2b));
            var w3 = TWidth.Broadcast(Unsafe.Add(ref panel, 3 * Depth));
            (r3a, r3b) = (TWidth.FusedMultiplyAdd(w3, xa, r3a), TWidth.FusedMultiplyAdd(w3, xb, r3b));
            var w4 = TWidth.Broadcast(Unsafe.Add(ref panel, 4 * Depth));
            (r4a, r4b) = (TWidth.FusedMultiplyAdd(w4, xa, r4a), TWidth.FusedMultiplyAdd(w4, xb, r4b));
            var w5 = TWidth.Broadcast(Unsafe.Add(ref panel, 5 * Depth));
            (r5a, r5b) = (TWidth.FusedMultiplyAdd(w5, xa, r5a), TWidth.FusedMultiplyAdd(w5, xb, r5b));
            if (twelve)
            {
                var w6 = TWidth.Broadcast(Unsafe.Add(ref panel, 6 * Depth));
                (r6a, r6b) = (TWidth.FusedMultiplyAdd(w6, xa, r6a), TWidth.FusedMultiplyAdd(w6, xb, r6b));
                var w7 = TWidth.Broadcast(Unsafe.Add(ref panel, 7 * Depth));
                (r7a, r7b) = (TWidth.FusedMultiplyAdd(w7, xa, r7a), TWidth.FusedMultiplyAdd(w7, xb, r7b));
                var w8 = TWidth.Broadcast(Unsafe.Add(ref panel, 8 * Depth));
                (r8a, r8b) = (TWidth.FusedMultiplyAdd(w8, xa, r8a), TWidth.FusedMultiplyAdd(w8, xb, r8b));
                var w9 = TWidth.Broadcast(Unsafe.Add(ref panel, 9 * Depth));
                (r9a, r9b) = (TWidth.FusedMultiplyAdd(w9, xa, r9a), TWidth.FusedMultiplyAdd(w9, xb, r9b));
                var w10 = TWidth.Broadcast(Unsafe.Add(ref panel, 10 * Depth));
                (r10a, r10b) = (TWidth.FusedMultiplyAdd(w10, xa, r10a), TWidth.FusedMultiplyAdd(w10, xb, r10b));
                var w11 = TWidth.Broadcast(Unsafe.Add(ref panel, 11 * Depth));
                (r11a, r11b) = (TWidth.FusedMultiplyAdd(w11, xa, r11a), TWidth.FusedMultiplyAdd(w11, xb, r11b));
            }

            panel = ref Unsafe.Add(ref panel, 1);
            x = ref Unsafe.Add(ref x, 2 * n);
        }

        TWidth.Store(r0a, ref Unsafe.Add(ref tile, (0 * Width)));
        TWidth.Store(r0b, ref Unsafe.Add(ref tile, (0 * Width) + n));
        TWidth.Store(r1a, ref Unsafe.Add(ref tile, (1 * Width)));
        TWidth.Store(r1b, ref Unsafe.Add(ref tile, (1 * Width) + n));
        TWidth.Store(r2a, ref Unsafe.Add(ref tile, (2 * Width)));
        TWidth.Store(r2b, ref Unsafe.Add(ref tile, (2 * Width) + n));
        TWidth.Store(r3a, ref Unsafe.Add(ref tile, (3 * Width)));
        TWidth.Store(r3b, ref Unsafe.Add(ref tile, (3 * Width) + n));
        TWidth.Store(r4a, ref Unsafe.Add(ref tile, (4 * Width)));
        TWidth.Store(r4b, ref Unsafe.Add(ref tile, (4 * Width) + n));
        TWidth.Store(r5a, ref Unsafe.Add(ref tile, (5 * Width)));
        TWidth.Store(r5b, ref Unsafe.Add(ref tile, (5 * Width) + n));
        if (twelve)
        {
            TWidth.Store(r6a, ref Unsafe.Add(ref tile, (6 * Width)));
            TWidth.Store(r6b, ref Unsafe.Add(ref tile, (6 * Width) + n));
            TWidth.Store(r7a, ref Unsafe.Add(ref tile, (7 * Width)));
            TWidth.Store(r7b, ref Unsafe.Add(ref tile, (7 * Width) + n));
            TWidth.Store(r8a, ref Unsafe.Add(ref tile, (8 * Width)));
            TWidth.Store(r8b, ref Unsafe.Add(ref tile, (8 * Width) + n));
            TWidth.Store(r9a, ref Unsafe.Add(ref tile, (9 * Width)));
            TWidth.Store(r9b, ref Unsafe.Add(ref tile, (9 * Width) + n));
            TWidth.Store(r10a, ref Unsafe.Add(ref tile, (10 * Width)));
            TWidth.Store(r10b, ref Unsafe.Add(ref tile, (10 * Width) + n));
            TWidth.Store(r11a, ref Unsafe.Add(ref tile, (11 * Width)));
            TWidth.Store(r11b, ref Unsafe.Add(ref tile, (11 * Width) + n));
        }
    }

    /// <summary>PanelRows panel rows × one vector of activation rows: the last block when few rows remain.</summary>
    private static void TileNarrow<TWidth, TVector>(ref float panel, ref float x, int depth, ref float tile)
        where TWidth : struct, ISimdWidth<TVector>
        where TVector : struct
    {
        // Rows 6 to 11 exist only where the width's registers hold them; the test folds to a
        // constant, so a 6-row width compiles to a 6-row tile.
        var twelve = TWidth.PanelRows == 12;
        var n = TWidth.Count;
        var r0a = TWidth.Load(ref Unsafe.Add(ref tile, (0 * Width)));
        var r1a = TWidth.Load(ref Unsafe.Add(ref tile, (1 * Width)));
        var r2a = TWidth.Load(ref Unsafe.Add(ref tile, (2 * Width)));
        var r3a = TWidth.Load(ref Unsafe.Add(ref tile, (3 * Width)));
        var r4a = TWidth.Load(ref Unsafe.Add(ref tile, (4 * Width)));
        var r5a = TWidth.Load(ref Unsafe.Add(ref tile, (5 * Width)));
        var r6a = TWidth.Zero;
        var r7a = TWidth.Zero;
        var r8a = TWidth.Zero;
        var r9a = TWidth.Zero;
        var r10a = TWidth.Zero;
        var r11a = TWidth.Zero;
        if (twelve)
        {
            r6a = TWidth.Load(ref Unsafe.Add(ref tile, (6 * Width)));
            r7a = TWidth.Load(ref Unsafe.Add(ref tile, (7 * Width)));
            r8a = TWidth.Load(ref Unsafe.Add(ref tile, (8 * Width)));
            r9a = TWidth.Load(ref Unsafe.Add(ref tile, (9 * Width)));
            r10a = TWidth.Load(ref Unsafe.Add(ref tile, (10 * Width)));
            r11a = TWidth.Load(ref Unsafe.Add(ref tile, (11 * Width)));
        }

        for (var k = 0; k < depth; k++)
        {
            var xa = TWidth.Load(ref x);
            r0a = TWidth.FusedMultiplyAdd(TWidth.Broadcast(Unsafe.Add(ref panel, 0 * Depth)), xa, r0a);
            r1a = TWidth.FusedMultiplyAdd(TWidth.Broadcast(Unsafe.Add(ref panel, 1 * Depth)), xa, r1a);
            r2a = TWidth.FusedMultiplyAdd(TWidth.Broadcast(Unsafe.Add(ref panel, 2 * Depth)), xa, r2a);
            r3a = TWidth.FusedMultiplyAdd(TWidth.Broadcast(Unsafe.Add(ref panel, 3 * Depth)), xa, r3a);
            r4a = TWidth.FusedMultiplyAdd(TWidth.Broadcast(Unsafe.Add(ref panel, 4 * Depth)), xa, r4a);
            r5a = TWidth.FusedMultiplyAdd(TWidth.Broadcast(Unsafe.Add(ref panel, 5 * Depth)), xa, r5a);
            if (twelve)
            {
                r6a = TWidth.FusedMultiplyAdd(TWidth.Broadcast(Unsafe.Add(ref panel, 6 * Depth)), xa, r6a);
                r7a = TWidth.FusedMultiplyAdd(TWidth.Broadcast(Unsafe.Add(ref panel, 7 * Depth)), xa, r7a);
                r8a = TWidth.FusedMultiplyAdd(TWidth.Broadcast(Unsafe.Add(ref panel, 8 * Depth)), xa, r8a);
                r9a = TWidth.FusedMultiplyAdd(TWidth.Broadcast(Unsafe.Add(ref panel, 9 * Depth)), xa, r9a);
                r10a = TWidth.FusedMultiplyAdd(TWidth.Broadcast(Unsafe.Add(ref panel, 10 * Depth)), xa, r10a);
                r11a = TWidth.FusedMultiplyAdd(TWidth.Broadcast(Unsafe.Add(ref panel, 11 * Depth)), xa, r11a);
            }

            panel = ref Unsafe.Add(ref panel, 1);
            x = ref Unsafe.Add(ref x, n);
        }

        TWidth.Store(r0a, ref Unsafe.Add(ref tile, (0 * Width)));
        TWidth.Store(r1a, ref Unsafe.Add(ref tile, (1 * Width)));
        TWidth.Store(r2a, ref Unsafe.Add(ref tile, (2 * Width)));
        TWidth.Store(r3a, ref Unsafe.Add(ref tile, (3 * Width)));
        TWidth.Store(r4a, ref Unsafe.Add(ref tile, (4 * Width)));
        TWidth.Store(r5a, ref Unsafe.Add(ref tile, (5 * Width)));
        if (twelve)
        {
            TWidth.Store(r6a, ref Unsafe.Add(ref tile, (6 * Width)));
            TWidth.Store(r7a, ref Unsafe.Add(ref tile, (7 * Width)));
            TWidth.Store(r8a, ref Unsafe.Add(ref tile, (8 * Width)));
            TWidth.Store(r9a, ref Unsafe.Add(ref tile, (9 * Width)));
            TWidth.Store(r10a, ref Unsafe.Add(ref tile, (10 * Width)));
            TWidth.Store(r11a, ref Unsafe.Add(ref tile, (11 * Width)));
        }
    }

    private ref struct TileLoop : IWidthLoop
    {
        private readonly ref float panel;
        private readonly ref float x;
        private readonly ref float tile;
        private readonly bool narrow;
        private readonly int depth;

        /// <summary>A loop that only reports the tile's shape.</summary>
        public TileLoop(VectorTier tier) => Tier = tier;

        public TileLoop(VectorTier tier, bool narrow, ref float panel, ref float x, int depth, ref float tile)
        {
            Tier = tier;
            this.panel = ref panel;
            this.x = ref x;
            this.tile = ref tile;
            (this.narrow, this.depth) = (narrow, depth);
        }

        public VectorTier Tier { get; }

        public (int PanelRows, int TileLanes) Shape { get; private set; }

        public readonly bool Fits(int lanes) => true;

        public void Run<TWidth, TVector>()
            where TWidth : struct, ISimdWidth<TVector>
            where TVector : struct
        {
            Shape = (TWidth.PanelRows, 2 * TWidth.Count);
            if (Unsafe.IsNullRef(ref tile))
            {
                return;
            }

            if (narrow)
            {
                TileNarrow<TWidth, TVector>(ref panel, ref x, depth, ref tile);
            }
            else
            {
                TileWide<TWidth, TVector>(ref panel, ref x, depth, ref tile);
            }
        }

        public readonly void RunScalar() => throw new InvalidOperationException("The matrix product's tiles run at a vector tier.");
    }
}
