using Rtn.Layers;

namespace Rtn.Tests.Layers;

public class RtnLinearPrecisionTests
{
    /// <summary>The example of docs/rtn-spec.md, "Linear with int8 activations", through a layer.</summary>
    [Fact]
    public void Forward_Int8Activations_GivesTheSpecExample()
    {
        var linear = new RtnLinear<float>(4, 2, new RtnConfig(4, 4), hasBias: true) { Precision = MatMulPrecision.Int8Activations };
        linear.Load([7.5f, -7.5f, 2.5f, 3.5f, -1f, 0f, 7.5f, -3f]);
        linear.LoadBias([0.5f, -1f]);
        var y = new float[4];

        linear.Forward([1f, 1f, 1f, 1f, 1f, 0f, 0f, 2f], 2, y);

        double[] expected = [5.5, 2, 0.5 + (956 * 2 / 127d), -1 - (445 * 2 / 127d)];
        for (var k = 0; k < 4; k++)
        {
            ((double)y[k]).ShouldBe(expected[k], 1e-5, $"y[{k}]");
        }
    }

    [Fact]
    public void Precision_Set_KeepsTheOtherOptions()
    {
        var linear = new RtnLinear<float>(8, 2, new RtnConfig(8, 8)) { Options = new KernelOptions { Tier = VectorTier.Scalar, MaxThreads = 1 } };

        linear.Precision = MatMulPrecision.Int8Activations;

        linear.Options.ShouldBe(new KernelOptions { Tier = VectorTier.Scalar, MaxThreads = 1, Precision = MatMulPrecision.Int8Activations });
    }
}
