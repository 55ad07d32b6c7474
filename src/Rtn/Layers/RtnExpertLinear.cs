namespace Rtn.Layers;

/// <summary>
/// The weights of a mixture-of-experts layer, a stack <c>[E, R, C]</c> of linear maps quantized
/// as they are loaded: each expert's matrix is quantized on its own, exactly as a 2-D weight,
/// and a fused stack (vLLM's <c>w13</c>, gate and up) keeps several output partitions per expert.
/// <see cref="Forward"/> runs one expert; routing tokens to experts is the caller's. Each
/// expert's codes and scales are arrays of their own, so the stack may be larger than one
/// array holds (a fused stack of tens of GB) as long as each expert fits one.
/// </summary>
/// <typeparam name="T">The activation and scale type: <see cref="float"/>, <see cref="Half"/> or <see cref="BFloat16"/>.</typeparam>
public sealed class RtnExpertLinear<T>
    where T : unmanaged
{
    private readonly PartitionedWeight<T> weight;

    /// <summary>Creates an empty stack of <paramref name="experts"/> matrices <c>[outputSize, inputSize]</c>.</summary>
    public RtnExpertLinear(int experts, int inputSize, int outputSize, RtnConfig config, RtnFormat format = RtnFormat.Signed, string name = "experts")
        : this(experts, inputSize, [outputSize], config, format, name)
    {
    }

    /// <summary>
    /// Creates an empty stack of <paramref name="experts"/> matrices with <paramref name="inputSize"/>
    /// columns and output partitions <c>[n1, n2, …]</c> (at 4 bits each must be even).
    /// </summary>
    /// <exception cref="ArgumentException">A size does not fit the configuration; the message names the layer, partition and shape.</exception>
    public RtnExpertLinear(int experts, int inputSize, IReadOnlyList<int> outputPartitions, RtnConfig config, RtnFormat format = RtnFormat.Signed, string name = "experts")
    {
        ArgumentNullException.ThrowIfNull(name);
        if (experts <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(experts), experts, $"Layer {name} needs at least one expert, but got {experts}.");
        }

        weight = new PartitionedWeight<T>(name, config, format, experts, isStack: true, inputSize, outputPartitions);
    }

    /// <summary>What error messages call the layer.</summary>
    public string Name => weight.Name;

    /// <summary>Number of experts, <c>E</c>.</summary>
    public int Experts => weight.Shape.Experts;

    /// <summary>Input features, <c>C</c>.</summary>
    public int InputSize => weight.InputSize;

    /// <summary>Output features of each expert across its partitions, <c>R</c>.</summary>
    public int OutputSize => weight.OutputSize;

    /// <summary>The rows of each output partition, in order.</summary>
    public IReadOnlyList<int> OutputPartitions => weight.PartitionSizes;

    /// <summary>Bits and group size.</summary>
    public RtnConfig Config => weight.Config;

    /// <summary>The byte layout of the packed weight.</summary>
    public RtnFormat Format => weight.Format;

    /// <summary>
    /// The quantized stack <c>[E, R, C]</c>, with vLLM's shapes <c>[E, R/2, C]</c> (4 bits) and
    /// <c>[E, R, C/g]</c> for scales: a copy of every expert's codes and scales, end to end.
    /// </summary>
    /// <exception cref="InvalidOperationException">The stack needs more than one array holds (each expert has its own); read it with <see cref="ExpertWeight"/>.</exception>
    public QuantizedWeight<T> Weight => weight.Whole();

    /// <summary>Expert <paramref name="expert"/>'s quantized matrix <c>[R, C]</c>, as the layer holds and computes with it.</summary>
    public QuantizedWeight<T> ExpertWeight(int expert) => weight.ExpertWeight(expert);

    /// <summary>How kernel calls run (SIMD tier, threads); results never depend on it.</summary>
    public KernelOptions Options
    {
        get => weight.Options;
        set => weight.Options = value;
    }

    /// <summary>The rows partition <paramref name="index"/> occupies within each expert.</summary>
    public (int Start, int Count) PartitionRows(int index) => weight.PartitionRows(index);

    /// <summary>Quantizes expert <paramref name="expert"/>'s <c>[n_partition, C]</c> matrix into its rows of partition <paramref name="partition"/>.</summary>
    /// <exception cref="ArgumentException">Wrong size or a non-finite value; the message names the expert, partition and shape.</exception>
    public void LoadPartition(int expert, int partition, ReadOnlySpan<T> weights) => weight.Load(expert, partition, weights);

    /// <summary>Quantizes expert <paramref name="expert"/>'s whole <c>[R, C]</c> matrix (all partitions stacked by rows).</summary>
    public void LoadExpert(int expert, ReadOnlySpan<T> weights) => weight.LoadAll(expert, weights);

    /// <summary>
    /// Loads expert <paramref name="expert"/>'s partition <paramref name="partition"/> from codes that are already
    /// quantized (<c>[n, C]</c> codes in <paramref name="codesFormat"/>'s layout, <c>[n, C/g]</c> scales); nothing is re-quantized.
    /// </summary>
    /// <exception cref="ArgumentException">The buffers do not fit the partition; the message names it.</exception>
    public void LoadQuantizedPartition(int expert, int partition, ReadOnlySpan<byte> codes, RtnFormat codesFormat, ReadOnlySpan<T> scales) =>
        weight.LoadQuantized(expert, partition, codes, codesFormat, scales);

    /// <summary>
    /// <c>y = x · W'_eᵀ</c> through expert <paramref name="expert"/> for <paramref name="x"/> of
    /// shape <c>[m, C]</c> into <paramref name="y"/> of shape <c>[m, R]</c>, with the fused kernel.
    /// </summary>
    /// <exception cref="InvalidOperationException">One of the expert's partitions has not been loaded.</exception>
    public void Forward(int expert, ReadOnlySpan<T> x, int m, Span<T> y) =>
        weight.Forward(expert, x, m, ReadOnlySpan<T>.Empty, y);
}
