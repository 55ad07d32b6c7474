namespace Rtn.Layers;

/// <summary>
/// A linear layer <c>y = x · W'ᵀ + bias</c> whose weight is RTN-quantized as it is loaded, the
/// way vLLM's <c>RTNLinearMethod</c> works: the layer is created empty for an input size and
/// one or more output partitions (a fused QKV or gate/up layer keeps several logical matrices
/// in one), then each partition's full-precision matrix is quantized on the fly into its rows
/// of the packed weight. Only the matrix being loaded is ever held in full precision, and it
/// is the caller's.
/// </summary>
/// <typeparam name="T">The activation and scale type: <see cref="float"/>, <see cref="Half"/> or <see cref="BFloat16"/>.</typeparam>
public sealed class RtnLinear<T>
    where T : unmanaged
{
    private readonly PartitionedWeight<T> weight;
    private readonly T[]? bias;
    private readonly bool[] biasLoaded;

    /// <summary>Creates an empty layer with a single output partition of <paramref name="outputSize"/> rows.</summary>
    public RtnLinear(int inputSize, int outputSize, RtnConfig config, RtnFormat format = RtnFormat.Signed, bool hasBias = false, string name = "linear")
        : this(inputSize, [outputSize], config, format, hasBias, name)
    {
    }

    /// <summary>
    /// Creates an empty layer for <paramref name="inputSize"/> input columns and output
    /// partitions <c>[n1, n2, …]</c>, laid out in that order along the output rows.
    /// </summary>
    /// <param name="inputSize">Columns of the weight, <c>C</c>.</param>
    /// <param name="outputPartitions">Rows of each logical matrix; at 4 bits each must be even.</param>
    /// <param name="config">Bits and group size; the group size must divide <paramref name="inputSize"/>.</param>
    /// <param name="format">The byte layout of the packed weight.</param>
    /// <param name="hasBias">Whether the layer adds a bias, which must then be loaded too.</param>
    /// <param name="name">What error messages call the layer, e.g. <c>model.layers.0.self_attn.qkv_proj</c>.</param>
    /// <exception cref="ArgumentException">A partition or the input size does not fit the configuration; the message names the partition and shape.</exception>
    public RtnLinear(int inputSize, IReadOnlyList<int> outputPartitions, RtnConfig config, RtnFormat format = RtnFormat.Signed, bool hasBias = false, string name = "linear")
    {
        ArgumentNullException.ThrowIfNull(name);
        weight = new PartitionedWeight<T>(name, config, format, experts: 1, isStack: false, inputSize, outputPartitions);
        bias = hasBias ? new T[weight.OutputSize] : null;
        biasLoaded = new bool[hasBias ? outputPartitions.Count : 0];
    }

    /// <summary>What error messages call the layer.</summary>
    public string Name => weight.Name;

    /// <summary>Input features, <c>C</c>.</summary>
    public int InputSize => weight.InputSize;

    /// <summary>Output features across all partitions, <c>R = n1 + n2 + …</c>.</summary>
    public int OutputSize => weight.OutputSize;

    /// <summary>The rows of each output partition, in order.</summary>
    public IReadOnlyList<int> OutputPartitions => weight.PartitionSizes;

    /// <summary>Bits and group size.</summary>
    public RtnConfig Config => weight.Config;

    /// <summary>The byte layout of the packed weight.</summary>
    public RtnFormat Format => weight.Format;

    /// <summary>
    /// The quantized weight, <c>[R, C]</c>: vLLM's packed shape <see cref="QuantizedWeight{T}.PackedShape"/>
    /// and scale shape <see cref="QuantizedWeight{T}.ScaleShape"/>. Rows of partitions not loaded yet are zero.
    /// </summary>
    public QuantizedWeight<T> Weight => weight.Whole();

    /// <summary>The bias, one value per output row, or null when the layer has none.</summary>
    public ReadOnlySpan<T> Bias => bias;

    /// <summary>Whether the layer adds a bias.</summary>
    public bool HasBias => bias is not null;

    /// <summary>How kernel calls run (SIMD tier, threads, the product's precision); results never depend on the tier or the threads.</summary>
    public KernelOptions Options
    {
        get => weight.Options;
        set => weight.Options = value;
    }

    /// <summary>
    /// Whether <see cref="Forward"/> keeps the activations as they are (the default) or rounds
    /// them to int8 (docs/rtn-spec.md, "Linear with int8 activations"); part of <see cref="Options"/>.
    /// </summary>
    public MatMulPrecision Precision
    {
        get => Options.Precision;
        set => Options = Options with { Precision = value };
    }

    /// <summary>The rows partition <paramref name="index"/> occupies: it starts at <c>n1+…+n(index-1)</c>.</summary>
    public (int Start, int Count) PartitionRows(int index) => weight.PartitionRows(index);

    /// <summary>
    /// Quantizes the full-precision <c>[n_index, C]</c> matrix <paramref name="weights"/> (row-major)
    /// into partition <paramref name="index"/>'s rows. Loading a partition again replaces it.
    /// </summary>
    /// <exception cref="ArgumentException">The matrix has the wrong size or a non-finite value; the message names the partition and shape.</exception>
    public void LoadPartition(int index, ReadOnlySpan<T> weights) => weight.Load(expert: 0, index, weights);

    /// <summary>Quantizes a layer with one partition (or all partitions at once, stacked by rows) from its <c>[R, C]</c> matrix.</summary>
    public void Load(ReadOnlySpan<T> weights) => weight.LoadAll(expert: 0, weights);

    /// <summary>
    /// Loads partition <paramref name="index"/> from codes that are already quantized, such as a
    /// compressed-tensors checkpoint's (see <see cref="CompressedTensorsCheckpoint"/>): <c>[n_index, C]</c>
    /// codes in <paramref name="codesFormat"/>'s byte layout and <c>[n_index, C/g]</c> scales. Nothing is re-quantized.
    /// </summary>
    /// <exception cref="ArgumentException">The buffers do not fit the partition; the message names it.</exception>
    public void LoadQuantizedPartition(int index, ReadOnlySpan<byte> codes, RtnFormat codesFormat, ReadOnlySpan<T> scales) =>
        weight.LoadQuantized(expert: 0, index, codes, codesFormat, scales);

    /// <summary>Copies partition <paramref name="index"/>'s bias (<c>n_index</c> values) into place.</summary>
    /// <exception cref="InvalidOperationException">The layer was created without a bias.</exception>
    public void LoadBias(int index, ReadOnlySpan<T> values)
    {
        if (bias is null)
        {
            throw new InvalidOperationException($"Layer {Name} was created without a bias, so it cannot load one.");
        }

        var (start, count) = PartitionRows(index);
        if (values.Length != count)
        {
            throw new ArgumentException(
                $"Layer {Name} partition {index} of {OutputPartitions.Count} expects a bias of {count} values, but got {values.Length}.",
                nameof(values));
        }

        values.CopyTo(bias.AsSpan(start, count));
        biasLoaded[index] = true;
    }

    /// <summary>Copies the whole bias (<c>R</c> values) into place.</summary>
    public void LoadBias(ReadOnlySpan<T> values)
    {
        if (values.Length != OutputSize)
        {
            throw new ArgumentException($"Layer {Name} expects a bias of {OutputSize} values, but got {values.Length}.", nameof(values));
        }

        for (var i = 0; i < OutputPartitions.Count; i++)
        {
            var (start, count) = PartitionRows(i);
            LoadBias(i, values.Slice(start, count));
        }
    }

    /// <summary>
    /// <c>y = x · W'ᵀ + bias</c> for <paramref name="x"/> of shape <c>[m, C]</c> into
    /// <paramref name="y"/> of shape <c>[m, R]</c>, with the fused kernel (scales applied per
    /// group, fp32 accumulation, no dense <c>W'</c>).
    /// </summary>
    /// <exception cref="InvalidOperationException">A partition or the bias has not been loaded.</exception>
    public void Forward(ReadOnlySpan<T> x, int m, Span<T> y)
    {
        var missingBias = Array.IndexOf(biasLoaded, false);
        if (missingBias >= 0)
        {
            throw new InvalidOperationException(
                $"Layer {Name} partition {missingBias} of {OutputPartitions.Count} has no bias loaded; load the bias before Forward.");
        }

        weight.Forward(expert: 0, x, m, bias, y);
    }
}
