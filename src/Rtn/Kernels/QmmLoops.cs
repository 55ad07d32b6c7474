using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Rtn.Kernels;

/// <summary>
/// The quantized matrix-matrix product (qmm) for many activation rows. A panel of weight rows ×
/// <see cref="Depth"/> columns is dequantized once into fp32 and reused against every activation
/// row: a register tile holds, for each panel row, two vectors of activation rows, and every
/// step broadcasts one weight against them. Activations are packed once per call, column-major
/// in blocks of a tile's lanes, so each step loads two contiguous vectors.
/// </summary>
internal static class QmmLoops
{
    /// <summary>Columns per panel (the k-blocking): a 12-row fp32 panel is 12 KiB and stays in L1.</summary>
    public const int Depth = 256;

    /// <summary>Activation rows per pass over the panels, and the row stride of a tile's accumulators.</summary>
    public const int Width = 256;

    /// <summary>Weight rows per panel: the register tile's height.</summary>
    public static int PanelRows(VectorTier tier) => tier == VectorTier.Vector512 ? 12 : 6;

    /// <summary>Activation rows per register tile: two vectors (one in a narrow tile).</summary>
    public static int TileLanes(VectorTier tier) => 2 * tier switch
    {
        VectorTier.Vector512 => Lanes512.Count,
        VectorTier.Vector256 => Lanes256.Count,
        _ => Lanes128.Count,
    };

    /// <summary>
    /// Dequantizes <paramref name="rows"/> weight rows (of <paramref name="panelRows"/>; the rest
    /// are zeros) over columns <c>[first, first + depth)</c> into <paramref name="panel"/>, one
    /// row per <see cref="Depth"/> floats; each run with one scale takes the widest loop that fits.
    /// </summary>
    public static void DecodePanel<TScheme>(
        VectorTier tier, ref byte codes, int rowBytes, ref float scales, int groups, int g, int rows, int panelRows, int first, int depth, ref float panel, RtnFormat format)
        where TScheme : struct, IRtnScheme
    {
        g = SchemeConstants<TScheme>.GroupSize(g);
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
    /// activation row); <paramref name="x"/> is a packed block of <see cref="TileLanes"/> floats
    /// per column, or half as many when <paramref name="narrow"/>.
    /// </summary>
    public static void Tile(VectorTier tier, bool narrow, ref float panel, ref float x, int depth, ref float tile)
    {
        switch (tier)
        {
            case VectorTier.Vector512 when narrow:
                Tile512Narrow(ref panel, ref x, depth, ref tile);
                break;
            case VectorTier.Vector512:
                Tile512(ref panel, ref x, depth, ref tile);
                break;
            case VectorTier.Vector256 when narrow:
                Tile256Narrow(ref panel, ref x, depth, ref tile);
                break;
            case VectorTier.Vector256:
                Tile256(ref panel, ref x, depth, ref tile);
                break;
            case VectorTier.Vector128 when narrow:
                Tile128Narrow(ref panel, ref x, depth, ref tile);
                break;
            default:
                Tile128(ref panel, ref x, depth, ref tile);
                break;
        }
    }

    /// <summary>12 panel rows × two vectors of activation rows, 24 accumulators.</summary>
    private static void Tile512(ref float panel, ref float x, int depth, ref float tile)
    {
        var r0a = Vector512.LoadUnsafe(ref tile, 0 * Width);
        var r0b = Vector512.LoadUnsafe(ref tile, (0 * Width) + Lanes512.Count);
        var r1a = Vector512.LoadUnsafe(ref tile, 1 * Width);
        var r1b = Vector512.LoadUnsafe(ref tile, (1 * Width) + Lanes512.Count);
        var r2a = Vector512.LoadUnsafe(ref tile, 2 * Width);
        var r2b = Vector512.LoadUnsafe(ref tile, (2 * Width) + Lanes512.Count);
        var r3a = Vector512.LoadUnsafe(ref tile, 3 * Width);
        var r3b = Vector512.LoadUnsafe(ref tile, (3 * Width) + Lanes512.Count);
        var r4a = Vector512.LoadUnsafe(ref tile, 4 * Width);
        var r4b = Vector512.LoadUnsafe(ref tile, (4 * Width) + Lanes512.Count);
        var r5a = Vector512.LoadUnsafe(ref tile, 5 * Width);
        var r5b = Vector512.LoadUnsafe(ref tile, (5 * Width) + Lanes512.Count);
        var r6a = Vector512.LoadUnsafe(ref tile, 6 * Width);
        var r6b = Vector512.LoadUnsafe(ref tile, (6 * Width) + Lanes512.Count);
        var r7a = Vector512.LoadUnsafe(ref tile, 7 * Width);
        var r7b = Vector512.LoadUnsafe(ref tile, (7 * Width) + Lanes512.Count);
        var r8a = Vector512.LoadUnsafe(ref tile, 8 * Width);
        var r8b = Vector512.LoadUnsafe(ref tile, (8 * Width) + Lanes512.Count);
        var r9a = Vector512.LoadUnsafe(ref tile, 9 * Width);
        var r9b = Vector512.LoadUnsafe(ref tile, (9 * Width) + Lanes512.Count);
        var r10a = Vector512.LoadUnsafe(ref tile, 10 * Width);
        var r10b = Vector512.LoadUnsafe(ref tile, (10 * Width) + Lanes512.Count);
        var r11a = Vector512.LoadUnsafe(ref tile, 11 * Width);
        var r11b = Vector512.LoadUnsafe(ref tile, (11 * Width) + Lanes512.Count);
        for (var k = 0; k < depth; k++)
        {
            var xa = Vector512.LoadUnsafe(ref x);
            var xb = Vector512.LoadUnsafe(ref x, Lanes512.Count);
            var w0 = Vector512.Create(Unsafe.Add(ref panel, 0 * Depth));
            (r0a, r0b) = (Vector512.FusedMultiplyAdd(w0, xa, r0a), Vector512.FusedMultiplyAdd(w0, xb, r0b));
            var w1 = Vector512.Create(Unsafe.Add(ref panel, 1 * Depth));
            (r1a, r1b) = (Vector512.FusedMultiplyAdd(w1, xa, r1a), Vector512.FusedMultiplyAdd(w1, xb, r1b));
            var w2 = Vector512.Create(Unsafe.Add(ref panel, 2 * Depth));
            (r2a, r2b) = (Vector512.FusedMultiplyAdd(w2, xa, r2a), Vector512.FusedMultiplyAdd(w2, xb, r2b));
            var w3 = Vector512.Create(Unsafe.Add(ref panel, 3 * Depth));
            (r3a, r3b) = (Vector512.FusedMultiplyAdd(w3, xa, r3a), Vector512.FusedMultiplyAdd(w3, xb, r3b));
            var w4 = Vector512.Create(Unsafe.Add(ref panel, 4 * Depth));
            (r4a, r4b) = (Vector512.FusedMultiplyAdd(w4, xa, r4a), Vector512.FusedMultiplyAdd(w4, xb, r4b));
            var w5 = Vector512.Create(Unsafe.Add(ref panel, 5 * Depth));
            (r5a, r5b) = (Vector512.FusedMultiplyAdd(w5, xa, r5a), Vector512.FusedMultiplyAdd(w5, xb, r5b));
            var w6 = Vector512.Create(Unsafe.Add(ref panel, 6 * Depth));
            (r6a, r6b) = (Vector512.FusedMultiplyAdd(w6, xa, r6a), Vector512.FusedMultiplyAdd(w6, xb, r6b));
            var w7 = Vector512.Create(Unsafe.Add(ref panel, 7 * Depth));
            (r7a, r7b) = (Vector512.FusedMultiplyAdd(w7, xa, r7a), Vector512.FusedMultiplyAdd(w7, xb, r7b));
            var w8 = Vector512.Create(Unsafe.Add(ref panel, 8 * Depth));
            (r8a, r8b) = (Vector512.FusedMultiplyAdd(w8, xa, r8a), Vector512.FusedMultiplyAdd(w8, xb, r8b));
            var w9 = Vector512.Create(Unsafe.Add(ref panel, 9 * Depth));
            (r9a, r9b) = (Vector512.FusedMultiplyAdd(w9, xa, r9a), Vector512.FusedMultiplyAdd(w9, xb, r9b));
            var w10 = Vector512.Create(Unsafe.Add(ref panel, 10 * Depth));
            (r10a, r10b) = (Vector512.FusedMultiplyAdd(w10, xa, r10a), Vector512.FusedMultiplyAdd(w10, xb, r10b));
            var w11 = Vector512.Create(Unsafe.Add(ref panel, 11 * Depth));
            (r11a, r11b) = (Vector512.FusedMultiplyAdd(w11, xa, r11a), Vector512.FusedMultiplyAdd(w11, xb, r11b));
            panel = ref Unsafe.Add(ref panel, 1);
            x = ref Unsafe.Add(ref x, 2 * Lanes512.Count);
        }

        r0a.StoreUnsafe(ref tile, 0 * Width);
        r0b.StoreUnsafe(ref tile, (0 * Width) + Lanes512.Count);
        r1a.StoreUnsafe(ref tile, 1 * Width);
        r1b.StoreUnsafe(ref tile, (1 * Width) + Lanes512.Count);
        r2a.StoreUnsafe(ref tile, 2 * Width);
        r2b.StoreUnsafe(ref tile, (2 * Width) + Lanes512.Count);
        r3a.StoreUnsafe(ref tile, 3 * Width);
        r3b.StoreUnsafe(ref tile, (3 * Width) + Lanes512.Count);
        r4a.StoreUnsafe(ref tile, 4 * Width);
        r4b.StoreUnsafe(ref tile, (4 * Width) + Lanes512.Count);
        r5a.StoreUnsafe(ref tile, 5 * Width);
        r5b.StoreUnsafe(ref tile, (5 * Width) + Lanes512.Count);
        r6a.StoreUnsafe(ref tile, 6 * Width);
        r6b.StoreUnsafe(ref tile, (6 * Width) + Lanes512.Count);
        r7a.StoreUnsafe(ref tile, 7 * Width);
        r7b.StoreUnsafe(ref tile, (7 * Width) + Lanes512.Count);
        r8a.StoreUnsafe(ref tile, 8 * Width);
        r8b.StoreUnsafe(ref tile, (8 * Width) + Lanes512.Count);
        r9a.StoreUnsafe(ref tile, 9 * Width);
        r9b.StoreUnsafe(ref tile, (9 * Width) + Lanes512.Count);
        r10a.StoreUnsafe(ref tile, 10 * Width);
        r10b.StoreUnsafe(ref tile, (10 * Width) + Lanes512.Count);
        r11a.StoreUnsafe(ref tile, 11 * Width);
        r11b.StoreUnsafe(ref tile, (11 * Width) + Lanes512.Count);
    }

    /// <summary>12 panel rows × one vector of activation rows, 12 accumulators: the last block when few rows remain.</summary>
    private static void Tile512Narrow(ref float panel, ref float x, int depth, ref float tile)
    {
        var r0a = Vector512.LoadUnsafe(ref tile, 0 * Width);
        var r1a = Vector512.LoadUnsafe(ref tile, 1 * Width);
        var r2a = Vector512.LoadUnsafe(ref tile, 2 * Width);
        var r3a = Vector512.LoadUnsafe(ref tile, 3 * Width);
        var r4a = Vector512.LoadUnsafe(ref tile, 4 * Width);
        var r5a = Vector512.LoadUnsafe(ref tile, 5 * Width);
        var r6a = Vector512.LoadUnsafe(ref tile, 6 * Width);
        var r7a = Vector512.LoadUnsafe(ref tile, 7 * Width);
        var r8a = Vector512.LoadUnsafe(ref tile, 8 * Width);
        var r9a = Vector512.LoadUnsafe(ref tile, 9 * Width);
        var r10a = Vector512.LoadUnsafe(ref tile, 10 * Width);
        var r11a = Vector512.LoadUnsafe(ref tile, 11 * Width);
        for (var k = 0; k < depth; k++)
        {
            var xa = Vector512.LoadUnsafe(ref x);
            r0a = Vector512.FusedMultiplyAdd(Vector512.Create(Unsafe.Add(ref panel, 0 * Depth)), xa, r0a);
            r1a = Vector512.FusedMultiplyAdd(Vector512.Create(Unsafe.Add(ref panel, 1 * Depth)), xa, r1a);
            r2a = Vector512.FusedMultiplyAdd(Vector512.Create(Unsafe.Add(ref panel, 2 * Depth)), xa, r2a);
            r3a = Vector512.FusedMultiplyAdd(Vector512.Create(Unsafe.Add(ref panel, 3 * Depth)), xa, r3a);
            r4a = Vector512.FusedMultiplyAdd(Vector512.Create(Unsafe.Add(ref panel, 4 * Depth)), xa, r4a);
            r5a = Vector512.FusedMultiplyAdd(Vector512.Create(Unsafe.Add(ref panel, 5 * Depth)), xa, r5a);
            r6a = Vector512.FusedMultiplyAdd(Vector512.Create(Unsafe.Add(ref panel, 6 * Depth)), xa, r6a);
            r7a = Vector512.FusedMultiplyAdd(Vector512.Create(Unsafe.Add(ref panel, 7 * Depth)), xa, r7a);
            r8a = Vector512.FusedMultiplyAdd(Vector512.Create(Unsafe.Add(ref panel, 8 * Depth)), xa, r8a);
            r9a = Vector512.FusedMultiplyAdd(Vector512.Create(Unsafe.Add(ref panel, 9 * Depth)), xa, r9a);
            r10a = Vector512.FusedMultiplyAdd(Vector512.Create(Unsafe.Add(ref panel, 10 * Depth)), xa, r10a);
            r11a = Vector512.FusedMultiplyAdd(Vector512.Create(Unsafe.Add(ref panel, 11 * Depth)), xa, r11a);
            panel = ref Unsafe.Add(ref panel, 1);
            x = ref Unsafe.Add(ref x, Lanes512.Count);
        }

        r0a.StoreUnsafe(ref tile, 0 * Width);
        r1a.StoreUnsafe(ref tile, 1 * Width);
        r2a.StoreUnsafe(ref tile, 2 * Width);
        r3a.StoreUnsafe(ref tile, 3 * Width);
        r4a.StoreUnsafe(ref tile, 4 * Width);
        r5a.StoreUnsafe(ref tile, 5 * Width);
        r6a.StoreUnsafe(ref tile, 6 * Width);
        r7a.StoreUnsafe(ref tile, 7 * Width);
        r8a.StoreUnsafe(ref tile, 8 * Width);
        r9a.StoreUnsafe(ref tile, 9 * Width);
        r10a.StoreUnsafe(ref tile, 10 * Width);
        r11a.StoreUnsafe(ref tile, 11 * Width);
    }

    /// <summary>6 panel rows × two vectors of activation rows, 12 accumulators.</summary>
    private static void Tile256(ref float panel, ref float x, int depth, ref float tile)
    {
        var r0a = Vector256.LoadUnsafe(ref tile, 0 * Width);
        var r0b = Vector256.LoadUnsafe(ref tile, (0 * Width) + Lanes256.Count);
        var r1a = Vector256.LoadUnsafe(ref tile, 1 * Width);
        var r1b = Vector256.LoadUnsafe(ref tile, (1 * Width) + Lanes256.Count);
        var r2a = Vector256.LoadUnsafe(ref tile, 2 * Width);
        var r2b = Vector256.LoadUnsafe(ref tile, (2 * Width) + Lanes256.Count);
        var r3a = Vector256.LoadUnsafe(ref tile, 3 * Width);
        var r3b = Vector256.LoadUnsafe(ref tile, (3 * Width) + Lanes256.Count);
        var r4a = Vector256.LoadUnsafe(ref tile, 4 * Width);
        var r4b = Vector256.LoadUnsafe(ref tile, (4 * Width) + Lanes256.Count);
        var r5a = Vector256.LoadUnsafe(ref tile, 5 * Width);
        var r5b = Vector256.LoadUnsafe(ref tile, (5 * Width) + Lanes256.Count);
        for (var k = 0; k < depth; k++)
        {
            var xa = Vector256.LoadUnsafe(ref x);
            var xb = Vector256.LoadUnsafe(ref x, Lanes256.Count);
            var w0 = Vector256.Create(Unsafe.Add(ref panel, 0 * Depth));
            (r0a, r0b) = (Vector256.FusedMultiplyAdd(w0, xa, r0a), Vector256.FusedMultiplyAdd(w0, xb, r0b));
            var w1 = Vector256.Create(Unsafe.Add(ref panel, 1 * Depth));
            (r1a, r1b) = (Vector256.FusedMultiplyAdd(w1, xa, r1a), Vector256.FusedMultiplyAdd(w1, xb, r1b));
            var w2 = Vector256.Create(Unsafe.Add(ref panel, 2 * Depth));
            (r2a, r2b) = (Vector256.FusedMultiplyAdd(w2, xa, r2a), Vector256.FusedMultiplyAdd(w2, xb, r2b));
            var w3 = Vector256.Create(Unsafe.Add(ref panel, 3 * Depth));
            (r3a, r3b) = (Vector256.FusedMultiplyAdd(w3, xa, r3a), Vector256.FusedMultiplyAdd(w3, xb, r3b));
            var w4 = Vector256.Create(Unsafe.Add(ref panel, 4 * Depth));
            (r4a, r4b) = (Vector256.FusedMultiplyAdd(w4, xa, r4a), Vector256.FusedMultiplyAdd(w4, xb, r4b));
            var w5 = Vector256.Create(Unsafe.Add(ref panel, 5 * Depth));
            (r5a, r5b) = (Vector256.FusedMultiplyAdd(w5, xa, r5a), Vector256.FusedMultiplyAdd(w5, xb, r5b));
            panel = ref Unsafe.Add(ref panel, 1);
            x = ref Unsafe.Add(ref x, 2 * Lanes256.Count);
        }

        r0a.StoreUnsafe(ref tile, 0 * Width);
        r0b.StoreUnsafe(ref tile, (0 * Width) + Lanes256.Count);
        r1a.StoreUnsafe(ref tile, 1 * Width);
        r1b.StoreUnsafe(ref tile, (1 * Width) + Lanes256.Count);
        r2a.StoreUnsafe(ref tile, 2 * Width);
        r2b.StoreUnsafe(ref tile, (2 * Width) + Lanes256.Count);
        r3a.StoreUnsafe(ref tile, 3 * Width);
        r3b.StoreUnsafe(ref tile, (3 * Width) + Lanes256.Count);
        r4a.StoreUnsafe(ref tile, 4 * Width);
        r4b.StoreUnsafe(ref tile, (4 * Width) + Lanes256.Count);
        r5a.StoreUnsafe(ref tile, 5 * Width);
        r5b.StoreUnsafe(ref tile, (5 * Width) + Lanes256.Count);
    }

    /// <summary>6 panel rows × one vector of activation rows, 6 accumulators: the last block when few rows remain.</summary>
    private static void Tile256Narrow(ref float panel, ref float x, int depth, ref float tile)
    {
        var r0a = Vector256.LoadUnsafe(ref tile, 0 * Width);
        var r1a = Vector256.LoadUnsafe(ref tile, 1 * Width);
        var r2a = Vector256.LoadUnsafe(ref tile, 2 * Width);
        var r3a = Vector256.LoadUnsafe(ref tile, 3 * Width);
        var r4a = Vector256.LoadUnsafe(ref tile, 4 * Width);
        var r5a = Vector256.LoadUnsafe(ref tile, 5 * Width);
        for (var k = 0; k < depth; k++)
        {
            var xa = Vector256.LoadUnsafe(ref x);
            r0a = Vector256.FusedMultiplyAdd(Vector256.Create(Unsafe.Add(ref panel, 0 * Depth)), xa, r0a);
            r1a = Vector256.FusedMultiplyAdd(Vector256.Create(Unsafe.Add(ref panel, 1 * Depth)), xa, r1a);
            r2a = Vector256.FusedMultiplyAdd(Vector256.Create(Unsafe.Add(ref panel, 2 * Depth)), xa, r2a);
            r3a = Vector256.FusedMultiplyAdd(Vector256.Create(Unsafe.Add(ref panel, 3 * Depth)), xa, r3a);
            r4a = Vector256.FusedMultiplyAdd(Vector256.Create(Unsafe.Add(ref panel, 4 * Depth)), xa, r4a);
            r5a = Vector256.FusedMultiplyAdd(Vector256.Create(Unsafe.Add(ref panel, 5 * Depth)), xa, r5a);
            panel = ref Unsafe.Add(ref panel, 1);
            x = ref Unsafe.Add(ref x, Lanes256.Count);
        }

        r0a.StoreUnsafe(ref tile, 0 * Width);
        r1a.StoreUnsafe(ref tile, 1 * Width);
        r2a.StoreUnsafe(ref tile, 2 * Width);
        r3a.StoreUnsafe(ref tile, 3 * Width);
        r4a.StoreUnsafe(ref tile, 4 * Width);
        r5a.StoreUnsafe(ref tile, 5 * Width);
    }

    /// <summary>6 panel rows × two vectors of activation rows, 12 accumulators.</summary>
    private static void Tile128(ref float panel, ref float x, int depth, ref float tile)
    {
        var r0a = Vector128.LoadUnsafe(ref tile, 0 * Width);
        var r0b = Vector128.LoadUnsafe(ref tile, (0 * Width) + Lanes128.Count);
        var r1a = Vector128.LoadUnsafe(ref tile, 1 * Width);
        var r1b = Vector128.LoadUnsafe(ref tile, (1 * Width) + Lanes128.Count);
        var r2a = Vector128.LoadUnsafe(ref tile, 2 * Width);
        var r2b = Vector128.LoadUnsafe(ref tile, (2 * Width) + Lanes128.Count);
        var r3a = Vector128.LoadUnsafe(ref tile, 3 * Width);
        var r3b = Vector128.LoadUnsafe(ref tile, (3 * Width) + Lanes128.Count);
        var r4a = Vector128.LoadUnsafe(ref tile, 4 * Width);
        var r4b = Vector128.LoadUnsafe(ref tile, (4 * Width) + Lanes128.Count);
        var r5a = Vector128.LoadUnsafe(ref tile, 5 * Width);
        var r5b = Vector128.LoadUnsafe(ref tile, (5 * Width) + Lanes128.Count);
        for (var k = 0; k < depth; k++)
        {
            var xa = Vector128.LoadUnsafe(ref x);
            var xb = Vector128.LoadUnsafe(ref x, Lanes128.Count);
            var w0 = Vector128.Create(Unsafe.Add(ref panel, 0 * Depth));
            (r0a, r0b) = (Vector128.FusedMultiplyAdd(w0, xa, r0a), Vector128.FusedMultiplyAdd(w0, xb, r0b));
            var w1 = Vector128.Create(Unsafe.Add(ref panel, 1 * Depth));
            (r1a, r1b) = (Vector128.FusedMultiplyAdd(w1, xa, r1a), Vector128.FusedMultiplyAdd(w1, xb, r1b));
            var w2 = Vector128.Create(Unsafe.Add(ref panel, 2 * Depth));
            (r2a, r2b) = (Vector128.FusedMultiplyAdd(w2, xa, r2a), Vector128.FusedMultiplyAdd(w2, xb, r2b));
            var w3 = Vector128.Create(Unsafe.Add(ref panel, 3 * Depth));
            (r3a, r3b) = (Vector128.FusedMultiplyAdd(w3, xa, r3a), Vector128.FusedMultiplyAdd(w3, xb, r3b));
            var w4 = Vector128.Create(Unsafe.Add(ref panel, 4 * Depth));
            (r4a, r4b) = (Vector128.FusedMultiplyAdd(w4, xa, r4a), Vector128.FusedMultiplyAdd(w4, xb, r4b));
            var w5 = Vector128.Create(Unsafe.Add(ref panel, 5 * Depth));
            (r5a, r5b) = (Vector128.FusedMultiplyAdd(w5, xa, r5a), Vector128.FusedMultiplyAdd(w5, xb, r5b));
            panel = ref Unsafe.Add(ref panel, 1);
            x = ref Unsafe.Add(ref x, 2 * Lanes128.Count);
        }

        r0a.StoreUnsafe(ref tile, 0 * Width);
        r0b.StoreUnsafe(ref tile, (0 * Width) + Lanes128.Count);
        r1a.StoreUnsafe(ref tile, 1 * Width);
        r1b.StoreUnsafe(ref tile, (1 * Width) + Lanes128.Count);
        r2a.StoreUnsafe(ref tile, 2 * Width);
        r2b.StoreUnsafe(ref tile, (2 * Width) + Lanes128.Count);
        r3a.StoreUnsafe(ref tile, 3 * Width);
        r3b.StoreUnsafe(ref tile, (3 * Width) + Lanes128.Count);
        r4a.StoreUnsafe(ref tile, 4 * Width);
        r4b.StoreUnsafe(ref tile, (4 * Width) + Lanes128.Count);
        r5a.StoreUnsafe(ref tile, 5 * Width);
        r5b.StoreUnsafe(ref tile, (5 * Width) + Lanes128.Count);
    }

    /// <summary>6 panel rows × one vector of activation rows, 6 accumulators: the last block when few rows remain.</summary>
    private static void Tile128Narrow(ref float panel, ref float x, int depth, ref float tile)
    {
        var r0a = Vector128.LoadUnsafe(ref tile, 0 * Width);
        var r1a = Vector128.LoadUnsafe(ref tile, 1 * Width);
        var r2a = Vector128.LoadUnsafe(ref tile, 2 * Width);
        var r3a = Vector128.LoadUnsafe(ref tile, 3 * Width);
        var r4a = Vector128.LoadUnsafe(ref tile, 4 * Width);
        var r5a = Vector128.LoadUnsafe(ref tile, 5 * Width);
        for (var k = 0; k < depth; k++)
        {
            var xa = Vector128.LoadUnsafe(ref x);
            r0a = Vector128.FusedMultiplyAdd(Vector128.Create(Unsafe.Add(ref panel, 0 * Depth)), xa, r0a);
            r1a = Vector128.FusedMultiplyAdd(Vector128.Create(Unsafe.Add(ref panel, 1 * Depth)), xa, r1a);
            r2a = Vector128.FusedMultiplyAdd(Vector128.Create(Unsafe.Add(ref panel, 2 * Depth)), xa, r2a);
            r3a = Vector128.FusedMultiplyAdd(Vector128.Create(Unsafe.Add(ref panel, 3 * Depth)), xa, r3a);
            r4a = Vector128.FusedMultiplyAdd(Vector128.Create(Unsafe.Add(ref panel, 4 * Depth)), xa, r4a);
            r5a = Vector128.FusedMultiplyAdd(Vector128.Create(Unsafe.Add(ref panel, 5 * Depth)), xa, r5a);
            panel = ref Unsafe.Add(ref panel, 1);
            x = ref Unsafe.Add(ref x, Lanes128.Count);
        }

        r0a.StoreUnsafe(ref tile, 0 * Width);
        r1a.StoreUnsafe(ref tile, 1 * Width);
        r2a.StoreUnsafe(ref tile, 2 * Width);
        r3a.StoreUnsafe(ref tile, 3 * Width);
        r4a.StoreUnsafe(ref tile, 4 * Width);
        r5a.StoreUnsafe(ref tile, 5 * Width);
    }
}
