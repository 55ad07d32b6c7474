namespace Rtn.Layers;

/// <summary>
/// One tensor-parallel rank of a quantized linear layer split by input columns (vLLM's
/// <c>RowParallelLinear</c>): the rank quantizes its columns of the weight and computes a
/// partial product; summing the ranks' outputs (an all-reduce) gives the layer's output.
/// Groups must not straddle ranks, so the group size must divide each rank's column count;
/// with per-row groups each rank's row slice is one group, as in vLLM.
/// </summary>
/// <typeparam name="T">The activation and scale type.</typeparam>
public sealed class RowParallelRtnLinear<T>
    where T : unmanaged
{
    /// <summary>Creates this rank's empty layer: <paramref name="outputSize"/> rows over <c>inputSize/W</c> columns.</summary>
    /// <exception cref="ArgumentException">The columns do not split evenly, or the group size does not divide a rank's column count.</exception>
    public RowParallelRtnLinear(int inputSize, int outputSize, RtnConfig config, TensorParallelRank rank, RtnFormat format = RtnFormat.Signed, bool hasBias = false, string name = "linear")
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(name);
        var (_, columns) = rank.Share(inputSize, $"Layer {name} ([{outputSize}, {inputSize}]) input columns");
        if (config.GroupSize != RtnConfig.PerRow && columns % config.GroupSize != 0)
        {
            throw new ArgumentException(
                $"Layer {name} ([{outputSize}, {inputSize}]) split across {rank.WorldSize} ranks gives each {columns} input columns, which group size {config.GroupSize} does not divide.",
                nameof(config));
        }

        (Rank, FullInputSize) = (rank, inputSize);

        // vLLM adds a row-parallel bias once, after the reduction; adding it on rank 0 only
        // before the sum is the same thing and keeps the other ranks' outputs pure partial sums.
        Local = new RtnLinear<T>(columns, [outputSize], config, format, hasBias && rank.Rank == 0, name);
        HasBias = hasBias;
    }

    /// <summary>This rank and the world size.</summary>
    public TensorParallelRank Rank { get; }

    /// <summary>Input columns of the unsplit layer.</summary>
    public int FullInputSize { get; }

    /// <summary>Whether the layer as a whole adds a bias (applied by rank 0).</summary>
    public bool HasBias { get; }

    /// <summary>This rank's layer: all rows over its columns.</summary>
    public RtnLinear<T> Local { get; }

    /// <summary>Takes this rank's columns of the full <c>[R, C]</c> matrix and quantizes them (holding one rank's share in full precision meanwhile).</summary>
    public void Load(ReadOnlySpan<T> fullWeights) =>
        Local.LoadPartition(0, Rank.SliceColumns(fullWeights, Local.OutputSize, FullInputSize));

    /// <summary>Loads the full bias; only rank 0 keeps it.</summary>
    public void LoadBias(ReadOnlySpan<T> fullBias)
    {
        if (!HasBias)
        {
            throw new InvalidOperationException($"Layer {Local.Name} was created without a bias, so it cannot load one.");
        }

        if (Local.HasBias)
        {
            Local.LoadBias(fullBias);
        }
        else if (fullBias.Length != Local.OutputSize)
        {
            throw new ArgumentException($"Layer {Local.Name} expects a bias of {Local.OutputSize} values, but got {fullBias.Length}.", nameof(fullBias));
        }
    }

    /// <summary>
    /// This rank's partial product for <paramref name="xSlice"/>, its <c>[m, C/W]</c> columns of
    /// the input, into <paramref name="y"/> (<c>[m, R]</c>). The sum over ranks is the layer's output.
    /// </summary>
    public void Forward(ReadOnlySpan<T> xSlice, int m, Span<T> y) => Local.Forward(xSlice, m, y);
}
