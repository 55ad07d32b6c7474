using ILGPU.Runtime;

namespace Rtn.Gpu.Tests;

public sealed class DeviceWeightTests(CpuAcceleratorFixture fixture) : IClassFixture<CpuAcceleratorFixture>
{
    private RtnAccelerator Accelerator => fixture.Accelerator;

    [Fact]
    public void UploadThenDownload_KeepsEveryByte()
    {
        var weight = RtnReference.Quantize<Half>(RandomWeights.Uniform<Half>(8 * 32, new Random(1)), WeightShape.Matrix(8, 32), new RtnConfig(4, 16), RtnFormat.Offset);

        using var device = Accelerator.Upload(weight);
        var back = device.Download();

        back.Packed.ShouldBe(weight.Packed);
        back.Scales.ShouldHaveSameBits(weight.Scales);
        (back.Config, back.Format, back.Shape).ShouldBe((weight.Config, weight.Format, weight.Shape));
    }

    [Theory]
    [InlineData(4, 12)]
    [InlineData(8, -1)]
    [InlineData(4, 3)]
    public void Quantize_DeviceStack_MatchesReference(int bits, int groupSize)
    {
        var shape = WeightShape.Stack(3, 4, 24);
        var values = RandomWeights.Uniform<BFloat16>(shape.ElementCount, new Random(2));
        var config = new RtnConfig(bits, groupSize);
        using var weights = Accelerator.Device.Allocate1D(values);

        using var quantized = Accelerator.KernelsFor(config).Quantize<BFloat16>(weights.View, shape, RtnFormat.Signed);
        var expected = RtnReference.Quantize<BFloat16>(values, shape, config);
        var actual = quantized.Download();

        actual.Packed.ShouldBe(expected.Packed);
        actual.Scales.ShouldHaveSameBits(expected.Scales);
        actual.Shape.ShouldBe(shape);
    }

    [Fact]
    public void Quantize_DeviceNonFinite_ThrowsNamingStackPosition()
    {
        var shape = WeightShape.Stack(2, 2, 8);
        var values = new float[shape.ElementCount];
        values[16 + 8 + 3] = float.NaN;
        using var weights = Accelerator.Device.Allocate1D(values);

        var error = Should.Throw<ArgumentException>(() => Accelerator.KernelsFor(new RtnConfig(8, 8)).Quantize<float>(weights.View, shape));

        error.Message.ShouldContain("[1, 1, 3]");
    }

    [Fact]
    public void DequantizeAndMatMul_OnDevice_MatchTheHostCalls()
    {
        var config = new RtnConfig(4, 32);
        var weight = RtnReference.Quantize<float>(RandomWeights.Uniform<float>(16 * 64, new Random(3)), WeightShape.Matrix(16, 64), config);
        var x = RandomWeights.Uniform<float>(3 * 64, new Random(4));
        var bias = RandomWeights.Uniform<float>(16, new Random(5));
        var kernels = Accelerator.KernelsFor(config);
        using var device = Accelerator.Upload(weight);
        using var dense = Accelerator.Device.Allocate1D<float>(16 * 64);
        using var xBuffer = Accelerator.Device.Allocate1D(x);
        using var biasBuffer = Accelerator.Device.Allocate1D(bias);
        using var y = Accelerator.Device.Allocate1D<float>(3 * 16);

        kernels.Dequantize(device, dense.View);
        kernels.MatMul(xBuffer.View, 3, device, biasBuffer.View, y.View);
        Accelerator.Synchronize();

        var hostY = new float[3 * 16];
        kernels.MatMul<float>(x, 3, weight.Packed, weight.Scales, 16, 64, bias, hostY, RtnFormat.Signed, default);
        dense.GetAsArray1D().ShouldHaveSameBits(RtnReference.Dequantize(weight));
        y.GetAsArray1D().ShouldHaveSameBits(hostY);
    }

    [Fact]
    public void MatMul_WeightForOtherCombination_ThrowsNamingBoth()
    {
        var weight = RtnReference.Quantize<float>(RandomWeights.Uniform<float>(4 * 16, new Random(6)), WeightShape.Matrix(4, 16), new RtnConfig(8, 16));
        using var device = Accelerator.Upload(weight);
        using var x = Accelerator.Device.Allocate1D<float>(16);
        using var y = Accelerator.Device.Allocate1D<float>(4);

        var error = Should.Throw<ArgumentException>(() =>
            Accelerator.KernelsFor(new RtnConfig(4, 16)).MatMul(x.View, 1, device, default, y.View));

        error.Message.ShouldContain("weight_bits=8");
        error.Message.ShouldContain("weight_bits=4");
    }

    [Fact]
    public void Dequantize_DestinationOffByOneElement_ThrowsNamingAlignment()
    {
        var weight = RtnReference.Quantize<float>(RandomWeights.Uniform<float>(4 * 16, new Random(8)), WeightShape.Matrix(4, 16), new RtnConfig(8, 16));
        using var device = Accelerator.Upload(weight);
        using var dense = Accelerator.Device.Allocate1D<float>(4 * 16 + 1);

        var error = Should.Throw<ArgumentException>(() =>
            Accelerator.KernelsFor(weight.Config).Dequantize(device, dense.View.SubView(1, 4 * 16)));

        error.ParamName.ShouldBe("destination");
        error.Message.ShouldContain("16-byte boundary");
    }
}
