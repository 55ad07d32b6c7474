using System.Numerics.Tensors;
using Rtn.Kernels.Simd;

namespace Rtn.Benchmarks.Infrastructure;

/// <summary>
/// The dense fp32 baselines, <c>y = x · Wᵀ</c> on all cores: <see cref="TensorPrimitives.Dot(ReadOnlySpan{float}, ReadOnlySpan{float})"/>
/// per weight row for one activation row, and for more a blocked product on the same register
/// tiles as the quantized product, its panels copied from <c>W</c> instead of dequantized. The
/// difference between the two products is then exactly the cost of the codes.
/// </summary>
internal static class DenseMatMul
{
    private const int PanelsPerItem = 4;

    public static void Multiply(float[] x, int m, float[] w, int rows, int columns, float[] y)
    {
        if (m == 1)
        {
            Weights.OnAllCores(rows, (first, end) =>
            {
                for (var r = first; r < end; r++)
                {
                    y[r] = TensorPrimitives.Dot(x.AsSpan(0, columns), w.AsSpan(r * columns, columns));
                }
            });
            return;
        }

        var tier = VectorTiers.Best;
        var (panelRows, lanes) = MatMatLoops.TileShape(tier);
        if (m > MatMatLoops.Width || tier == VectorTier.Scalar)
        {
            throw new NotSupportedException($"The dense baseline handles up to {MatMatLoops.Width} activation rows on a vector tier.");
        }

        var blocks = (m + lanes - 1) / lanes;
        var packed = Pack(x, m, columns, lanes, blocks);
        var rowsPerItem = PanelsPerItem * panelRows;
        Weights.OnAllCores((rows + rowsPerItem - 1) / rowsPerItem, (firstItem, endItem) =>
        {
            var tile = new float[rowsPerItem * MatMatLoops.Width];
            var panel = new float[panelRows * MatMatLoops.Depth];
            for (var item = firstItem; item < endItem; item++)
            {
                var first = item * rowsPerItem;
                var count = Math.Min(rowsPerItem, rows - first);
                Array.Clear(tile);
                for (var k = 0; k < columns; k += MatMatLoops.Depth)
                {
                    var depth = Math.Min(MatMatLoops.Depth, columns - k);
                    for (var n = 0; n < count; n += panelRows)
                    {
                        Array.Clear(panel);
                        for (var row = 0; row < Math.Min(panelRows, count - n); row++)
                        {
                            w.AsSpan(((first + n + row) * columns) + k, depth).CopyTo(panel.AsSpan(row * MatMatLoops.Depth));
                        }

                        for (var b = 0; b < blocks; b++)
                        {
                            var narrow = m - (b * lanes) <= lanes / 2;
                            var offset = (b * lanes * columns) + (k * (narrow ? lanes / 2 : lanes));
                            MatMatLoops.Tile(tier, narrow, ref panel[0], ref packed[offset], depth, ref tile[(n * MatMatLoops.Width) + (b * lanes)]);
                        }
                    }
                }

                for (var i = 0; i < m; i++)
                {
                    for (var n = 0; n < count; n++)
                    {
                        y[(i * rows) + first + n] = tile[(n * MatMatLoops.Width) + i];
                    }
                }
            }
        });
    }

    /// <summary>Activations column-major in blocks of a tile's lanes, as the quantized product packs them.</summary>
    private static float[] Pack(float[] x, int m, int columns, int lanes, int blocks)
    {
        var packed = new float[blocks * lanes * columns];
        for (var b = 0; b < blocks; b++)
        {
            var width = m - (b * lanes) <= lanes / 2 ? lanes / 2 : lanes;
            for (var lane = 0; lane < width && (b * lanes) + lane < m; lane++)
            {
                for (var c = 0; c < columns; c++)
                {
                    packed[(b * lanes * columns) + (c * width) + lane] = x[(((b * lanes) + lane) * columns) + c];
                }
            }
        }

        return packed;
    }
}
