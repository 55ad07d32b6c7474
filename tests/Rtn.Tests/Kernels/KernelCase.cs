using System.Globalization;

namespace Rtn.Tests.Kernels;

/// <summary>
/// One kernel call to check: a combination, a weight shape, how the call runs, and the seed of
/// its values. Either the library's specialized kernels (its generated set) or the generic ones.
/// </summary>
public sealed record KernelCase(
    int Bits, int GroupSize, bool Specialized, int Rows, int Columns, RtnFormat Format, VectorTier Tier, int Threads, int Seed)
{
    /// <summary>The group sizes the library generates kernels for.</summary>
    public static readonly int[] LibraryGroupSizes = [32, 64, 128, 256, RtnConfig.PerRow];

    public RtnConfig Config => new(Bits, GroupSize);

    /// <summary>Columns per scale for this shape.</summary>
    public int G => Config.GroupSizeFor(Columns);

    public IRtnKernels Kernels => Specialized ? RtnKernels.For(Bits, GroupSize) : RtnKernels.GenericFor(Bits, GroupSize);

    public KernelOptions Options => new() { Tier = Tier, MaxThreads = Threads };

    public WeightShape Shape => WeightShape.Matrix(Rows, Columns);

    public override string ToString() => string.Create(
        CultureInfo.InvariantCulture,
        $"Q{Bits}{(GroupSize == RtnConfig.PerRow ? "Row" : "G" + GroupSize)} {(Specialized ? "specialized" : "generic")} [{Rows}, {Columns}] {Format} {Tier} threads={Threads} seed={Seed}");
}

/// <summary>A product to check: a weight case and the activation rows.</summary>
public sealed record ProductCase(KernelCase Weights, int M, bool WithBias)
{
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Weights} m={M} bias={WithBias}");
}
