namespace Rtn.Layers;

/// <summary>
/// One tensor-parallel rank of a quantized linear layer split by output rows (vLLM's
/// <c>ColumnParallelLinear</c>, and for several partitions <c>MergedColumnParallelLinear</c> or
/// <c>QKVParallelLinear</c>): each logical matrix is split by rows and this rank quantizes its
/// share of every one. The rank's output holds its share of each partition, in partition order.
/// </summary>
/// <typeparam name="T">The activation and scale type.</typeparam>
public sealed class ColumnParallelRtnLinear<T>
    where T : unmanaged
{
    /// <summary>
    /// Creates this rank's empty layer for full output partitions <c>[n1, n2, …]</c>: locally
    /// <c>[n1/W, n2/W, …]</c> rows over all <paramref name="inputSize"/> columns.
    /// </summary>
    /// <exception cref="ArgumentException">A partition does not split evenly, or its share does not fit the configuration (at 4 bits each share must be even).</exception>
    public ColumnParallelRtnLinear(int inputSize, IReadOnlyList<int> outputPartitions, RtnConfig config, TensorParallelRank rank, RtnFormat format = RtnFormat.Signed, bool hasBias = false, string name = "linear")
    {
        ArgumentNullException.ThrowIfNull(outputPartitions);
        ArgumentNullException.ThrowIfNull(name);
        Rank = rank;
        FullOutputPartitions = [.. outputPartitions];
        var local = new int[outputPartitions.Count];
        for (var i = 0; i < local.Length; i++)
        {
            local[i] = rank.Share(outputPartitions[i], $"Layer {name} partition {i} ([{outputPartitions[i]}, {inputSize}]) rows").Count;
        }

        Local = new RtnLinear<T>(inputSize, local, config, format, hasBias, name);
    }

    /// <summary>This rank and the world size.</summary>
    public TensorParallelRank Rank { get; }

    /// <summary>The unsplit partition sizes.</summary>
    public IReadOnlyList<int> FullOutputPartitions { get; }

    /// <summary>This rank's layer: its rows of every partition.</summary>
    public RtnLinear<T> Local { get; }

    /// <summary>Takes this rank's rows of partition <paramref name="index"/>'s full <c>[n_index, C]</c> matrix and quantizes them.</summary>
    public void LoadPartition(int index, ReadOnlySpan<T> fullWeights)
    {
        var fullRows = FullRows(index);
        Local.LoadPartition(index, Rank.SliceRows(fullWeights, fullRows, Local.InputSize));
    }

    /// <summary>Takes this rank's share of partition <paramref name="index"/>'s full bias.</summary>
    public void LoadBias(int index, ReadOnlySpan<T> fullBias)
    {
        var fullRows = FullRows(index);
        Local.LoadBias(index, Rank.SliceRows(fullBias, fullRows, 1));
    }

    /// <summary><c>y = x · W'ᵀ + bias</c> for this rank's rows: <paramref name="x"/> is the full <c>[m, C]</c> input, <paramref name="y"/> is <c>[m, R/W]</c>.</summary>
    public void Forward(ReadOnlySpan<T> x, int m, Span<T> y) => Local.Forward(x, m, y);

    private int FullRows(int index)
    {
        // Asking the local layer first gives an out-of-range index its message naming the layer.
        _ = Local.PartitionRows(index);
        return FullOutputPartitions[index];
    }
}
