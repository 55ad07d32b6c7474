using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace Rtn.Gpu.Tests;

public sealed class SpecializedKernelTests(CpuAcceleratorFixture fixture) : IClassFixture<CpuAcceleratorFixture>
{
    [Fact]
    public void KernelsFor_CombinationGeneratedHere_IsSpecialized()
    {
        // Q4G8 comes from this project's [assembly: RtnKernel(4, 8)] and its generated module initializer.
        fixture.Accelerator.KernelsFor(new RtnConfig(4, 8)).IsSpecialized.ShouldBeTrue();
        fixture.Accelerator.GenericKernelsFor(new RtnConfig(4, 8)).IsSpecialized.ShouldBeFalse();
        RtnGpuKernels.SpecializedCombinations.ShouldContain(new RtnConfig(4, 8));
    }

    [Theory]
    [InlineData(4, 128)]
    [InlineData(8, -1)]
    [InlineData(8, 32)]
    public void KernelsFor_CombinationOfTheLibrarySet_IsSpecializedByRtnGpu(int bits, int groupSize)
    {
        fixture.Accelerator.KernelsFor(new RtnConfig(bits, groupSize)).IsSpecialized.ShouldBeTrue();
    }

    [Fact]
    public void KernelsFor_UnregisteredCombination_FallsBackToRunTimeConstants()
    {
        var kernels = fixture.Accelerator.KernelsFor(new RtnConfig(8, 24));

        kernels.IsSpecialized.ShouldBeFalse();
        (kernels.Bits, kernels.GroupSize).ShouldBe((8, 24));
    }

    [Property(MaxTest = 200)]
    public Property Specialized_AllOperations_MatchGeneric() =>
        Prop.ForAll(
            (from bf16 in Gen.Elements(true, false)
             from perRow in Gen.Elements(true, false)
             from rows in Gen.Choose(1, 4)
             from groups in Gen.Choose(1, 4)
             from m in Gen.Choose(1, 6)
             from seed in Gen.Choose(0, int.MaxValue)
             select (bf16, perRow, rows: 2 * rows, columns: 8 * groups, m, seed)).ToArbitrary(),
            c =>
            {
                var config = c.perRow ? new RtnConfig(8, -1) : new RtnConfig(4, 8);
                if (c.bf16)
                {
                    Compare<BFloat16>(config, c.rows, c.columns, c.m, c.seed);
                }
                else
                {
                    Compare<float>(config, c.rows, c.columns, c.m, c.seed);
                }
            });

    private void Compare<T>(RtnConfig config, int rows, int columns, int m, int seed)
        where T : unmanaged
    {
        var random = new Random(seed);
        var weights = RandomWeights.Uniform<T>(rows * columns, random);
        var x = RandomWeights.Uniform<T>(m * columns, random);
        var specialized = Run(fixture.Accelerator.KernelsFor(config), weights, x, rows, columns, m);
        var generic = Run(fixture.Accelerator.GenericKernelsFor(config), weights, x, rows, columns, m);

        specialized.Packed.ShouldBe(generic.Packed);
        specialized.Scales.ShouldHaveSameBits(generic.Scales);
        specialized.Dense.ShouldHaveSameBits(generic.Dense);
        specialized.Y.ShouldHaveSameBits(generic.Y);
    }

    private static (byte[] Packed, T[] Scales, T[] Dense, T[] Y) Run<T>(RtnGpuKernels kernels, T[] weights, T[] x, int rows, int columns, int m)
        where T : unmanaged
    {
        var groupSize = kernels.GroupSize == -1 ? columns : kernels.GroupSize;
        var packed = new byte[kernels.Bits == 4 ? weights.Length / 2 : weights.Length];
        var scales = new T[weights.Length / groupSize];
        var dense = new T[weights.Length];
        var y = new T[m * rows];
        kernels.Quantize<T>(weights, rows, columns, packed, scales, RtnFormat.Offset, default);
        kernels.Dequantize<T>(packed, scales, rows, columns, dense, RtnFormat.Offset, default);
        kernels.MatMul<T>(x, m, packed, scales, rows, columns, [], y, RtnFormat.Offset, default);
        return (packed, scales, dense, y);
    }
}
