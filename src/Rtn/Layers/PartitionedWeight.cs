using System.Globalization;

namespace Rtn.Layers;

/// <summary>
/// The packed codes and scales behind a quantized layer, filled one full-precision matrix at a
/// time: output partitions (the logical matrices of a fused layer such as QKV or gate/up) for
/// each expert. Every load quantizes straight from the caller's span into the packed arrays,
/// so no full-precision copy of the layer ever exists. Each expert's matrix has arrays of its
/// own, so a stack larger than one array (a fused MoE stack of tens of GB) loads as long as
/// each expert fits one.
/// </summary>
internal sealed class PartitionedWeight<T>
    where T : unmanaged
{
    private readonly int[] partitionStarts;
    private readonly bool[] loaded;
    private readonly IRtnKernels kernels;
    private readonly QuantizedWeight<T>[] experts;

    public PartitionedWeight(string name, RtnConfig config, RtnFormat format, int experts, bool isStack, int inputSize, IReadOnlyList<int> outputPartitions)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(outputPartitions);
        Precision<T>.EnsureSupported();
        Name = name;
        if (outputPartitions.Count == 0)
        {
            throw new ArgumentException($"Layer {name} needs at least one output partition.", nameof(outputPartitions));
        }

        if (inputSize <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(inputSize), inputSize, $"Layer {name} needs a positive input size, but got {inputSize}.");
        }

        partitionStarts = new int[outputPartitions.Count + 1];
        for (var i = 0; i < outputPartitions.Count; i++)
        {
            var rows = outputPartitions[i];
            if (rows <= 0)
            {
                throw new ArgumentOutOfRangeException(nameof(outputPartitions), rows,
                    $"Layer {name} partition {i} must have a positive number of rows, but has {rows}.");
            }

            // vLLM stores 4-bit weights as [R/2, C] and narrows a partition to rows
            // [start/2, (start+n)/2): an odd start or count would split a pair of rows.
            if (config.Bits == 4 && rows % 2 != 0)
            {
                throw new ArgumentException(
                    $"Layer {name} partition {i} has {rows} rows, but 4-bit partitions need an even row count (shape [{rows}, {inputSize}]).",
                    nameof(outputPartitions));
            }

            partitionStarts[i + 1] = checked(partitionStarts[i] + rows);
        }

        OutputSize = partitionStarts[^1];
        var matrix = WeightShape.Matrix(OutputSize, inputSize);
        try
        {
            Shape = isStack ? WeightShape.Stack(experts, OutputSize, inputSize) : matrix;
            config.Validate(Shape);
            QuantizedWeight.EnsureFitsOneArray(config, matrix);
        }
        catch (ArgumentException e)
        {
            throw new ArgumentException($"Layer {name}{(isStack ? " (each expert)" : string.Empty)}: {e.Message}", nameof(inputSize), e);
        }

        this.experts = new QuantizedWeight<T>[experts];
        for (var e = 0; e < experts; e++)
        {
            this.experts[e] = new QuantizedWeight<T>(
                config, format, matrix, WeightArrays.Allocate<byte>(QuantizedWeight.PackedLength(config.Bits, matrix)), WeightArrays.Allocate<T>(QuantizedWeight.ScaleCount(config, matrix)));
        }

        (Config, Format) = (config, format);
        loaded = new bool[experts * outputPartitions.Count];
        kernels = RtnKernels.For(config);
        PartitionSizes = [.. outputPartitions];
    }

    public string Name { get; }

    /// <summary>The whole weight's shape: <c>[R, C]</c>, or <c>[E, R, C]</c> for a stack.</summary>
    public WeightShape Shape { get; }

    public RtnConfig Config { get; }

    public RtnFormat Format { get; }

    public int OutputSize { get; }

    public int InputSize => Shape.Columns;

    public IReadOnlyList<int> PartitionSizes { get; }

    public KernelOptions Options { get; set; }

    public (int Start, int Count) PartitionRows(int partition)
    {
        CheckPartition(partition);
        return (partitionStarts[partition], PartitionSizes[partition]);
    }

    public void Load(int expert, int partition, ReadOnlySpan<T> weights)
    {
        CheckExpert(expert);
        var (start, rows) = PartitionRows(partition);
        var columns = InputSize;
        if (weights.Length != (long)rows * columns)
        {
            throw new ArgumentException(
                $"{Describe(expert, partition)} expects a [{rows}, {columns}] weight ({(long)rows * columns} values), but got {weights.Length} values.",
                nameof(weights));
        }

        try
        {
            var packed = PackedRows(expert, start, rows);
            var scales = ScaleRows(expert, start, rows);
            kernels.Quantize(weights, rows, columns, packed, scales, Format, Options);
            FiniteResults.Ensure(weights, Shape, ((long)expert * OutputSize) + start, rows, packed, scales, Config, Format);
        }
        catch (ArgumentException e)
        {
            // The rows now hold codes of a weight that was refused; they must not be used.
            loaded[(expert * PartitionSizes.Count) + partition] = false;
            throw new ArgumentException($"{Describe(expert, partition)}: {e.Message}", nameof(weights), e);
        }

        loaded[(expert * PartitionSizes.Count) + partition] = true;
    }

    /// <summary>
    /// Copies already-quantized codes (<paramref name="codesFormat"/> layout, <c>[n, C]</c> codes)
    /// and scales (<c>[n, C/g]</c>) into a partition's rows, converting the layout if it differs
    /// from the layer's (one XOR, docs/rtn-spec.md, Storage formats). Nothing is re-quantized.
    /// </summary>
    public void LoadQuantized(int expert, int partition, ReadOnlySpan<byte> codes, RtnFormat codesFormat, ReadOnlySpan<T> scales)
    {
        CheckExpert(expert);
        var (start, rows) = PartitionRows(partition);
        var packed = PackedRows(expert, start, rows);
        var scaleRows = ScaleRows(expert, start, rows);
        if (codes.Length != packed.Length || scales.Length != scaleRows.Length)
        {
            throw new ArgumentException(
                $"{Describe(expert, partition)} holds {packed.Length} bytes of codes and {scaleRows.Length} scales for [{rows}, {InputSize}], but got {codes.Length} and {scales.Length}.",
                nameof(codes));
        }

        codes.CopyTo(packed);
        if (codesFormat != Format)
        {
            var flip = Config.Bits == 4 ? (byte)0x88 : (byte)0x80;
            for (var i = 0; i < packed.Length; i++)
            {
                packed[i] ^= flip;
            }
        }

        scales.CopyTo(scaleRows);
        loaded[(expert * PartitionSizes.Count) + partition] = true;
    }

    /// <summary>Loads every partition of <paramref name="expert"/> from its whole <c>[R, C]</c> matrix, partitions stacked by rows.</summary>
    public void LoadAll(int expert, ReadOnlySpan<T> weights)
    {
        CheckExpert(expert);
        if (weights.Length != (long)OutputSize * InputSize)
        {
            throw new ArgumentException(
                $"Layer {Name} {ExpertPrefix(expert)}expects a [{OutputSize}, {InputSize}] weight ({(long)OutputSize * InputSize} values), but got {weights.Length} values.",
                nameof(weights));
        }

        for (var partition = 0; partition < PartitionSizes.Count; partition++)
        {
            Load(expert, partition, weights.Slice(partitionStarts[partition] * InputSize, PartitionSizes[partition] * InputSize));
        }
    }

    public void Forward(int expert, ReadOnlySpan<T> x, int m, ReadOnlySpan<T> bias, Span<T> y)
    {
        CheckExpert(expert);
        for (var partition = 0; partition < PartitionSizes.Count; partition++)
        {
            if (!loaded[(expert * PartitionSizes.Count) + partition])
            {
                throw new InvalidOperationException(
                    $"{Describe(expert, partition)} (rows [{partitionStarts[partition]}, {partitionStarts[partition + 1]})) has not been loaded; load every partition before Forward.");
            }
        }

        kernels.MatMul(x, m, experts[expert].Packed, experts[expert].Scales, OutputSize, InputSize, bias, y, Format, Options);
    }

    /// <summary>Expert <paramref name="expert"/>'s quantized matrix <c>[R, C]</c>: the arrays the layer loads into and computes with.</summary>
    public QuantizedWeight<T> ExpertWeight(int expert)
    {
        CheckExpert(expert);
        return experts[expert];
    }

    /// <summary>The whole weight in one pair of arrays: the matrix itself, or for a stack a copy of every expert's, end to end.</summary>
    /// <exception cref="InvalidOperationException">The stack needs more than one array holds; the message names the shape.</exception>
    public QuantizedWeight<T> Whole()
    {
        if (!Shape.IsStack)
        {
            return experts[0];
        }

        var (packedLength, scaleCount) = (QuantizedWeight.PackedLength(Config.Bits, Shape), QuantizedWeight.ScaleCount(Config, Shape));
        if (packedLength > Array.MaxLength || scaleCount > Array.MaxLength)
        {
            throw new InvalidOperationException(string.Create(CultureInfo.InvariantCulture,
                $"Layer {Name}'s stack {Shape} packs to {packedLength} bytes of codes and {scaleCount} scales, more than one array holds ({Array.MaxLength}); read it one expert at a time."));
        }

        var (packed, scales) = (new byte[packedLength], new T[scaleCount]);
        for (var e = 0; e < experts.Length; e++)
        {
            experts[e].Packed.CopyTo(packed, e * experts[e].Packed.Length);
            experts[e].Scales.CopyTo(scales, e * experts[e].Scales.Length);
        }

        return new QuantizedWeight<T>(Config, Format, Shape, packed, scales);
    }

    private string Describe(int expert, int partition) =>
        string.Create(CultureInfo.InvariantCulture, $"Layer {Name} {ExpertPrefix(expert)}partition {partition} of {PartitionSizes.Count}");

    private void CheckExpert(int expert)
    {
        if ((uint)expert >= (uint)Shape.Experts)
        {
            throw new ArgumentOutOfRangeException(nameof(expert), expert,
                $"Layer {Name} has {Shape.Experts} experts, so expert {expert} does not exist.");
        }
    }

    private void CheckPartition(int partition)
    {
        if ((uint)partition >= (uint)PartitionSizes.Count)
        {
            throw new ArgumentOutOfRangeException(nameof(partition), partition,
                $"Layer {Name} has {PartitionSizes.Count} partitions, so partition {partition} does not exist.");
        }
    }

    private string ExpertPrefix(int expert) =>
        Shape.IsStack ? string.Create(CultureInfo.InvariantCulture, $"expert {expert} ") : string.Empty;

    private Span<byte> PackedRows(int expert, int firstRow, int rows)
    {
        // Rows of C codes; at 4 bits two codes share a byte and row counts are even, so a row
        // range starts on a byte boundary.
        var bytesPerRow = (long)InputSize * Config.Bits / 8;
        return experts[expert].Packed.AsSpan(checked((int)(firstRow * bytesPerRow)), checked((int)(rows * bytesPerRow)));
    }

    private Span<T> ScaleRows(int expert, int firstRow, int rows)
    {
        var groups = experts[expert].GroupsPerRow;
        return experts[expert].Scales.AsSpan(checked(firstRow * groups), checked(rows * groups));
    }
}
