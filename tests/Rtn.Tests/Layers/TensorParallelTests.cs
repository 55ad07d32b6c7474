using FsCheck.Xunit;
using Rtn.Layers;

namespace Rtn.Tests.Layers;

[Properties(Arbitrary = [typeof(LayerArbitraries)], MaxTest = 200)]
public class TensorParallelTests
{
    [Property]
    public void ColumnParallel_RankSlicesOfEveryPartition_AssembleToWholeQuantization(ParallelCase parallel)
    {
        var layer = parallel.Layer;
        var whole = WholeLayer(layer);
        var partitions = PartitionWeights(layer);
        var bytesPerRow = layer.InputSize * layer.Bits / 8;
        var groupsPerRow = whole.Weight.GroupsPerRow;

        for (var rank = 0; rank < parallel.WorldSize; rank++)
        {
            var local = new ColumnParallelRtnLinear<float>(layer.InputSize, layer.Partitions, layer.Config, new TensorParallelRank(rank, parallel.WorldSize), layer.Format);
            for (var i = 0; i < partitions.Length; i++)
            {
                local.LoadPartition(i, partitions[i]);
            }

            for (var i = 0; i < partitions.Length; i++)
            {
                var (localStart, count) = local.Local.PartitionRows(i);
                var wholeStart = whole.PartitionRows(i).Start + (rank * count);
                local.Local.Weight.Packed.AsSpan(localStart * bytesPerRow, count * bytesPerRow).ToArray()
                    .ShouldBe(whole.Weight.Packed.AsSpan(wholeStart * bytesPerRow, count * bytesPerRow).ToArray());
                local.Local.Weight.Scales.AsSpan(localStart * groupsPerRow, count * groupsPerRow).ToArray()
                    .ShouldBe(whole.Weight.Scales.AsSpan(wholeStart * groupsPerRow, count * groupsPerRow).ToArray());
            }
        }
    }

    [Property]
    public void ColumnParallel_RankOutputsWithBias_AreTheirRowsOfTheWholeOutput(ParallelCase parallel)
    {
        var layer = parallel.Layer;
        var partitions = PartitionWeights(layer);
        var bias = RandomWeights.LayerLike<float>(layer.Seed + 2, layer.OutputSize);
        var whole = new RtnLinear<float>(layer.InputSize, layer.Partitions, layer.Config, layer.Format, hasBias: true);
        whole.Load(RandomWeights.LayerLike<float>(layer.Seed, layer.OutputSize * layer.InputSize));
        whole.LoadBias(bias);
        var x = RandomWeights.LayerLike<float>(layer.Seed + 1, layer.InputSize);
        var expected = new float[layer.OutputSize];
        whole.Forward(x, 1, expected);

        for (var rank = 0; rank < parallel.WorldSize; rank++)
        {
            var local = new ColumnParallelRtnLinear<float>(layer.InputSize, layer.Partitions, layer.Config, new TensorParallelRank(rank, parallel.WorldSize), layer.Format, hasBias: true);
            for (var i = 0; i < partitions.Length; i++)
            {
                local.LoadPartition(i, partitions[i]);
                local.LoadBias(i, bias.AsSpan(whole.PartitionRows(i).Start, layer.Partitions[i]));
            }

            var y = new float[local.Local.OutputSize];
            local.Forward(x, 1, y);
            var reassembled = expected.ToArray();
            for (var i = 0; i < partitions.Length; i++)
            {
                var (localStart, count) = local.Local.PartitionRows(i);
                var wholeStart = whole.PartitionRows(i).Start + (rank * count);
                y.AsSpan(localStart, count).CopyTo(reassembled.AsSpan(wholeStart, count));
            }

            ProductAccuracy.Error<float>(reassembled, expected, x, 1, whole.Weight, bias).ShouldBeLessThanOrEqualTo(1e-5);
        }
    }

    [Property]
    public void RowParallel_RankSlices_AreWholeQuantizationsColumnsAndPartialSumsAddUp(RowParallelCase parallel)
    {
        var layer = parallel.Layer;
        var (rows, columns) = (layer.OutputSize, layer.InputSize);
        var weights = RandomWeights.LayerLike<float>(layer.Seed, rows * columns);
        var bias = RandomWeights.LayerLike<float>(layer.Seed + 2, rows);
        var x = RandomWeights.LayerLike<float>(layer.Seed + 1, columns);
        var whole = new RtnLinear<float>(columns, [rows], layer.Config, layer.Format, hasBias: true);
        whole.Load(weights);
        whole.LoadBias(bias);
        var expected = new float[rows];
        whole.Forward(x, 1, expected);
        var wholeCodes = RtnReference.UnpackCodes(whole.Weight.Packed, layer.Bits, layer.Format);

        var sum = new double[rows];
        for (var rank = 0; rank < parallel.WorldSize; rank++)
        {
            var local = new RowParallelRtnLinear<float>(columns, rows, layer.Config, new TensorParallelRank(rank, parallel.WorldSize), layer.Format, hasBias: true);
            local.Load(weights);
            local.LoadBias(bias);
            var share = columns / parallel.WorldSize;
            var localCodes = RtnReference.UnpackCodes(local.Local.Weight.Packed, layer.Bits, layer.Format);
            var (localGroups, wholeGroups) = (share / layer.GroupSize, columns / layer.GroupSize);
            for (var r = 0; r < rows; r++)
            {
                localCodes.AsSpan(r * share, share).ToArray().ShouldBe(wholeCodes.AsSpan((r * columns) + (rank * share), share).ToArray());
                local.Local.Weight.Scales.AsSpan(r * localGroups, localGroups).ToArray()
                    .ShouldBe(whole.Weight.Scales.AsSpan((r * wholeGroups) + (rank * localGroups), localGroups).ToArray());
            }

            var y = new float[rows];
            local.Forward(x.AsSpan(rank * share, share), 1, y);
            for (var r = 0; r < rows; r++)
            {
                sum[r] += y[r];
            }
        }

        ProductAccuracy.Error<float>([.. sum.Select(v => (float)v)], expected, x, 1, whole.Weight, bias).ShouldBeLessThanOrEqualTo(1e-5);
    }

    [Fact]
    public void RowParallel_GroupSizeNotDividingRankColumns_NamesSizes()
    {
        var error = Should.Throw<ArgumentException>(
            () => new RowParallelRtnLinear<float>(256, 64, new RtnConfig(4, 128), new TensorParallelRank(1, 4), name: "down_proj"));

        error.Message.ShouldContain("down_proj");
        error.Message.ShouldContain("64 input columns");
        error.Message.ShouldContain("group size 128");
        error.Message.ShouldContain("4 ranks");
    }

    [Fact]
    public void ColumnParallel_PartitionNotSplittingEvenly_NamesPartition()
    {
        var error = Should.Throw<ArgumentException>(
            () => new ColumnParallelRtnLinear<float>(16, [8, 6], new RtnConfig(8, 8), new TensorParallelRank(0, 4), name: "qkv_proj"));

        error.Message.ShouldContain("qkv_proj partition 1");
        error.Message.ShouldContain("4 tensor-parallel ranks");
    }

    [Fact]
    public void ColumnParallel_OddShareAt4Bits_NamesPartitionAndShape()
    {
        var error = Should.Throw<ArgumentException>(
            () => new ColumnParallelRtnLinear<float>(16, [6], new RtnConfig(4, 8), new TensorParallelRank(0, 2), name: "q_proj"));

        error.Message.ShouldContain("q_proj partition 0");
        error.Message.ShouldContain("[3, 16]");
    }

    [Fact]
    public void Rank_OutsideWorld_Throws() =>
        Should.Throw<ArgumentOutOfRangeException>(() => new TensorParallelRank(2, 2));

    private static RtnLinear<float> WholeLayer(LayerCase layer)
    {
        var whole = new RtnLinear<float>(layer.InputSize, layer.Partitions, layer.Config, layer.Format);
        whole.Load(RandomWeights.LayerLike<float>(layer.Seed, layer.OutputSize * layer.InputSize));
        return whole;
    }

    private static float[][] PartitionWeights(LayerCase layer)
    {
        var weights = RandomWeights.LayerLike<float>(layer.Seed, layer.OutputSize * layer.InputSize);
        var start = 0;
        var result = new float[layer.Partitions.Length][];
        for (var i = 0; i < result.Length; i++)
        {
            result[i] = weights.AsSpan(start * layer.InputSize, layer.Partitions[i] * layer.InputSize).ToArray();
            start += layer.Partitions[i];
        }

        return result;
    }
}
