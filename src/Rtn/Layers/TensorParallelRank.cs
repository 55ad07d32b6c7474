namespace Rtn.Layers;

/// <summary>
/// One rank of a tensor-parallel group and the slice of a weight it owns. Sizes must divide
/// evenly by the world size, as in vLLM: every rank holds the same shapes.
/// </summary>
public readonly record struct TensorParallelRank
{
    /// <summary>Rank <paramref name="rank"/> of <paramref name="worldSize"/>.</summary>
    public TensorParallelRank(int rank, int worldSize)
    {
        if (worldSize <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(worldSize), worldSize, $"The world size must be positive, but got {worldSize}.");
        }

        if ((uint)rank >= (uint)worldSize)
        {
            throw new ArgumentOutOfRangeException(nameof(rank), rank, $"The rank must be in [0, {worldSize}), but got {rank}.");
        }

        (Rank, WorldSize) = (rank, worldSize);
    }

    /// <summary>The single rank of a world of one: owns everything.</summary>
    public static TensorParallelRank Single => new(0, 1);

    /// <summary>This rank's index, from 0.</summary>
    public int Rank { get; }

    /// <summary>How many ranks share each weight.</summary>
    public int WorldSize { get; }

    /// <summary>
    /// This rank's share <c>[Rank·size/W, (Rank+1)·size/W)</c> of a dimension of <paramref name="size"/>.
    /// </summary>
    /// <param name="size">The full dimension.</param>
    /// <param name="dimension">What the dimension is, for the error message ("rows of q_proj").</param>
    /// <exception cref="ArgumentException"><paramref name="size"/> does not divide by the world size.</exception>
    public (int Start, int Count) Share(int size, string dimension)
    {
        if (size <= 0 || size % WorldSize != 0)
        {
            throw new ArgumentException(
                $"{dimension}: {size} cannot be split evenly across {WorldSize} tensor-parallel ranks.", nameof(size));
        }

        var count = size / WorldSize;
        return (Rank * count, count);
    }

    /// <summary>
    /// The column-parallel slice of a row-major <c>[rows, columns]</c> matrix: this rank's rows.
    /// They are contiguous, so no copy is made.
    /// </summary>
    public ReadOnlySpan<T> SliceRows<T>(ReadOnlySpan<T> weights, int rows, int columns)
    {
        RequireMatrix(weights.Length, rows, columns);
        var (start, count) = Share(rows, $"Column-parallel split of a [{rows}, {columns}] weight by rows");
        return weights.Slice(start * columns, count * columns);
    }

    /// <summary>
    /// The row-parallel slice of a row-major <c>[rows, columns]</c> matrix: this rank's columns,
    /// copied into a new <c>[rows, columns/W]</c> matrix (a strided slice is not a span).
    /// </summary>
    public T[] SliceColumns<T>(ReadOnlySpan<T> weights, int rows, int columns)
    {
        RequireMatrix(weights.Length, rows, columns);
        var (start, count) = Share(columns, $"Row-parallel split of a [{rows}, {columns}] weight by columns");
        var slice = new T[rows * count];
        for (var r = 0; r < rows; r++)
        {
            weights.Slice((r * columns) + start, count).CopyTo(slice.AsSpan(r * count, count));
        }

        return slice;
    }

    private static void RequireMatrix(int length, int rows, int columns)
    {
        if (rows <= 0 || columns <= 0 || length != (long)rows * columns)
        {
            throw new ArgumentException($"Expected a [{rows}, {columns}] weight ({(long)rows * columns} values), but got {length} values.");
        }
    }
}
