using FsCheck;
using FsCheck.Fluent;

namespace Rtn.Tests.Layers;

/// <summary>A small layer: configuration, input size, output partitions and the seed of its values.</summary>
public sealed record LayerCase(int Bits, int GroupSize, RtnFormat Format, int InputSize, int[] Partitions, int Seed)
{
    public RtnConfig Config => new(Bits, GroupSize);

    public int OutputSize => Partitions.Sum();

    public override string ToString() =>
        $"Q{Bits}{(GroupSize == -1 ? "Row" : $"G{GroupSize}")} {Format} C={InputSize} partitions=[{string.Join(", ", Partitions)}] seed={Seed}";
}

/// <summary>A layer split by output rows across a tensor-parallel world.</summary>
public sealed record ParallelCase(LayerCase Layer, int WorldSize)
{
    public override string ToString() => $"{Layer} world={WorldSize}";
}

/// <summary>A layer split by input columns across a tensor-parallel world, each rank holding whole groups.</summary>
public sealed record RowParallelCase(LayerCase Layer, int WorldSize)
{
    public override string ToString() => $"{Layer} world={WorldSize}";
}

/// <summary>Generators for layer shapes that fit their configuration, kept small so 200 cases run fast.</summary>
public static class LayerArbitraries
{
    private static readonly int[] GroupSizes = [-1, 2, 4, 8, 16];

    public static Arbitrary<LayerCase> Layers() => Arb.From(LayerGen(worldSize: 1, columnsSplit: false));

    public static Arbitrary<ParallelCase> ColumnParallelLayers() =>
        Arb.From(
            from world in Gen.Elements(1, 2, 4)
            from layer in LayerGen(world, columnsSplit: false)
            select new ParallelCase(layer, world));

    public static Arbitrary<RowParallelCase> RowParallelLayers() =>
        Arb.From(
            from world in Gen.Elements(1, 2, 4)
            from layer in LayerGen(world, columnsSplit: true)
            select new RowParallelCase(layer, world));

    /// <summary>
    /// Shapes where each partition splits into <paramref name="worldSize"/> shares (even ones at 4
    /// bits) and, when <paramref name="columnsSplit"/>, each rank's columns hold whole groups.
    /// </summary>
    private static Gen<LayerCase> LayerGen(int worldSize, bool columnsSplit) =>
        from bits in Gen.Elements(4, 8)
        from groupSize in columnsSplit ? Gen.Elements(GroupSizes.Where(g => g > 0).ToArray()) : Gen.Elements(GroupSizes)
        from format in Gen.Elements(RtnFormat.Signed, RtnFormat.Offset)
        from groupsPerShare in Gen.Choose(1, 3)
        let rowUnit = worldSize * (bits == 4 ? 2 : 1)
        let columnUnit = (groupSize == -1 ? 2 : groupSize) * (columnsSplit ? worldSize : 1)
        from partitionCount in Gen.Choose(1, 3)
        from partitions in Gen.ArrayOf(Gen.Choose(1, 3).Select(k => k * rowUnit), partitionCount)
        from seed in Gen.Choose(0, int.MaxValue - 1)
        select new LayerCase(bits, groupSize, format, groupsPerShare * columnUnit, partitions, seed);
}
