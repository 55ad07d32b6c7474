namespace Rtn.Gpu.Tests;

/// <summary>An accelerator with NVIDIA's warp of 32 lanes, so teams of 8 and 16 lanes share a warp as on a GPU.</summary>
public sealed class NvidiaWarpFixture : IDisposable
{
    public RtnAccelerator Accelerator { get; } = RtnAccelerator.CreateCpu(threadsPerWarp: 32, warpsPerGroup: 1, multiprocessors: 1);

    public void Dispose() => Accelerator.Dispose();
}

public sealed class NvidiaWarpTests(NvidiaWarpFixture fixture) : IClassFixture<NvidiaWarpFixture>
{
    [Theory]
    [InlineData(4, 32, 6, 96)]
    [InlineData(8, 64, 5, 192)]
    [InlineData(4, 128, 4, 256)]
    [InlineData(8, -1, 3, 72)]
    [InlineData(4, 12, 4, 48)]
    [InlineData(4, 6, 2, 36)]
    public void AllOperations_Warp32_MatchReference(int bits, int groupSize, int rows, int columns)
    {
        var config = new RtnConfig(bits, groupSize);
        var random = new Random(bits + groupSize);
        var weights = Enumerable.Range(0, rows * columns).Select(i => (Half)(i % 29 == 0 ? 0f : (float)random.NextDouble() - 0.5f)).ToArray();
        var x = Enumerable.Range(0, 5 * columns).Select(_ => (Half)((float)random.NextDouble() - 0.5f)).ToArray();
        var expected = RtnReference.Quantize<Half>(weights, WeightShape.Matrix(rows, columns), config, RtnFormat.Offset);
        var kernels = fixture.Accelerator.KernelsFor(config);
        var packed = new byte[expected.Packed.Length];
        var scales = new Half[expected.Scales.Length];
        var dense = new Half[rows * columns];
        var y = new Half[5 * rows];

        kernels.Quantize<Half>(weights, rows, columns, packed, scales, RtnFormat.Offset, default);
        kernels.Dequantize<Half>(packed, scales, rows, columns, dense, RtnFormat.Offset, default);
        kernels.MatMul<Half>(x, 5, packed, scales, rows, columns, [], y, RtnFormat.Offset, default);

        packed.ShouldBe(expected.Packed);
        scales.ShouldHaveSameBits(expected.Scales);
        dense.ShouldHaveSameBits(RtnReference.Dequantize(expected));
        MatMulReference.RelativeError(y, MatMulReference.EvaluateExact(expected, x, 5, null)).ShouldBeLessThanOrEqualTo(1e-2);
    }
}
