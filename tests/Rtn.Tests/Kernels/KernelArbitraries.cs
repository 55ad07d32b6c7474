using FsCheck;
using FsCheck.Fluent;

namespace Rtn.Tests.Kernels;

/// <summary>
/// Small random kernel calls. Group sizes cover the library's generated set (constant-folded
/// kernels) and, through the generic kernels, odd sizes, sizes smaller than a vector, and sizes
/// that leave a tail in every group.
/// </summary>
public static class KernelArbitraries
{
    private static readonly int[] GenericGroupSizes = [1, 2, 3, 4, 5, 6, 8, 10, 12, 16, 20, 24, 33, 40, 48, 64, 66, 96, 100, 128, RtnConfig.PerRow];

    public static Arbitrary<KernelCase> KernelCases() => Cases(maxRowPairs: 6).ToArbitrary();

    public static Arbitrary<ProductCase> ProductCases() =>
        (from weights in Cases(maxRowPairs: 20)
         from m in Gen.Frequency((2, Gen.Choose(1, 3)), (3, Gen.Choose(4, 40)))
         from withBias in Gen.Elements(true, false)
         select new ProductCase(weights, m, withBias)).ToArbitrary();

    private static Gen<KernelCase> Cases(int maxRowPairs) =>
        from bits in Gen.Elements(4, 8)
        from specialized in Gen.Elements(true, false)
        from groupSize in Gen.Elements(specialized ? KernelCase.LibraryGroupSizes : GenericGroupSizes)
        from groups in Gen.Choose(1, groupSize is > 128 or RtnConfig.PerRow ? 2 : 5)
        from perRowColumns in Gen.Choose(1, 150)
        from rowPairs in Gen.Choose(1, maxRowPairs)
        from extraRow in Gen.Choose(0, 1)
        from format in Gen.Elements(RtnFormat.Signed, RtnFormat.Offset)
        from tier in Gen.Elements(VectorTiers.Available.ToArray())
        from threads in Gen.Choose(1, 3)
        from seed in Gen.Choose(0, int.MaxValue)
        let columns = groupSize == RtnConfig.PerRow ? 2 * perRowColumns : groupSize * (bits == 4 && groupSize % 2 == 1 ? 2 * groups : groups)
        let rows = (2 * rowPairs) - (bits == 8 ? extraRow : 0)
        select new KernelCase(bits, groupSize, specialized, rows, columns, format, tier, threads, seed);
}
