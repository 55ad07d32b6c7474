using FsCheck.Xunit;
using Rtn.Kernels.Simd;

namespace Rtn.Tests.Kernels;

/// <summary>The product with int8 activations against the bound of docs/rtn-spec.md, "Linear with int8 activations".</summary>
public class Int8ActivationKernelTests : KernelTests
{
    [Property(MaxTest = 250, Arbitrary = [typeof(KernelArbitraries)])]
    public void Int8Activations_Float_WithinStatedBoundOfFloat64(ProductCase c) => WithinBound<float>(c, 1e-5);

    [Property(MaxTest = 150, Arbitrary = [typeof(KernelArbitraries)])]
    public void Int8Activations_Half_WithinStatedBoundOfFloat64(ProductCase c) => WithinBound<Half>(c, 1e-2);

    [Property(MaxTest = 150, Arbitrary = [typeof(KernelArbitraries)])]
    public void Int8Activations_BFloat16_WithinStatedBoundOfFloat64(ProductCase c) => WithinBound<BFloat16>(c, 1e-2);

    [Property(MaxTest = 150, Arbitrary = [typeof(KernelArbitraries)])]
    public void Int8Activations_AnyThreadCount_GivesIdenticalBits(ProductCase c)
    {
        var (x, weight, bias) = ProductInputs.Make<float>(c);
        var w = c.Weights;
        var one = ProductInputs.MatMul(w with { Threads = 1 }, x, c.M, weight, bias, MatMulPrecision.Int8Activations);
        foreach (var threads in new[] { 2, 3 })
        {
            ShouldHaveSameBits<float>(ProductInputs.MatMul(w with { Threads = threads }, x, c.M, weight, bias, MatMulPrecision.Int8Activations), one, $"y with {threads} threads");
        }
    }

    /// <summary>A single activation row takes its own loop (one weight row at a time); its outputs are those of the same row in a batch.</summary>
    [Property(MaxTest = 150, Arbitrary = [typeof(KernelArbitraries)])]
    public void Int8Activations_RowAlone_GivesTheBitsItHasInABatch(ProductCase c)
    {
        var (x, weight, bias) = ProductInputs.Make<float>(c);
        var rows = c.Weights.Rows;
        var batch = ProductInputs.MatMul(c.Weights, x, c.M, weight, bias, MatMulPrecision.Int8Activations);
        for (var i = 0; i < c.M; i++)
        {
            var alone = ProductInputs.MatMul(c.Weights, x.AsSpan(i * c.Weights.Columns, c.Weights.Columns).ToArray(), 1, weight, bias, MatMulPrecision.Int8Activations);
            ShouldHaveSameBits<float>(alone, batch.AsSpan(i * rows, rows).ToArray(), $"y of activation row {i} alone");
        }
    }

    /// <summary>
    /// The spec's example: <c>W' = [7, −8, 2, 4; −1, 0, 7, −3]</c> with scales 1 and bias
    /// <c>[0.5, −1]</c>. Row <c>[1, 1, 1, 1]</c> has <c>d = 1/127</c> and codes 127, so it is
    /// kept up to the rounding of d; row <c>[1, 0, 0, 2]</c> has <c>d = 2/127</c> and 1·127/2 = 63.5
    /// rounds to 64 (ties to even), so its first column becomes 128/127:
    /// <c>y = [0.5 + (7·64 + 4·127)·2/127, −1 + (−64 − 3·127)·2/127]</c>.
    /// </summary>
    [Theory]
    [InlineData(RtnFormat.Signed)]
    [InlineData(RtnFormat.Offset)]
    public void Int8Activations_SpecExample_RoundsTheActivations(RtnFormat format)
    {
        var weight = RtnReference.Quantize<float>([7.5f, -7.5f, 2.5f, 3.5f, -1f, 0f, 7.5f, -3f], WeightShape.Matrix(2, 4), new RtnConfig(4, 4), format);
        var y = new float[4];
        RtnKernels.For(4, 4).MatMul<float>(
            [1f, 1f, 1f, 1f, 1f, 0f, 0f, 2f], 2, weight.Packed, weight.Scales, 2, 4, [0.5f, -1f], y, format,
            new KernelOptions { Precision = MatMulPrecision.Int8Activations });

        double[] expected = [5.5, 2, 0.5 + (956 * 2 / 127d), -1 - (445 * 2 / 127d)];
        for (var k = 0; k < 4; k++)
        {
            ((double)y[k]).ShouldBe(expected[k], 1e-5, $"y[{k}]");
        }
    }

    /// <summary>A per-row group longer than the kernels' integer chunk: the sums move to fp32 in pieces.</summary>
    [Theory]
    [InlineData(4)]
    [InlineData(8)]
    public void Int8Activations_LongPerRowGroup_WithinStatedBound(int bits)
    {
        foreach (var tier in VectorTiers.Available)
        {
            var c = new KernelCase(bits, RtnConfig.PerRow, Specialized: true, Rows: 6, Columns: 10240, RtnFormat.Signed, tier, Threads: 2, Seed: 11);
            WithinBound<float>(new ProductCase(c, 3, WithBias: true), 1e-5);
        }
    }

    [Property(MaxTest = 200)]
    public void ActivationCodes_EveryTier_SameAsScalar(int seed, bool tinyGroup)
    {
        var random = new Random(seed);
        var g = 64 * random.Next(1, 4);
        var x = RandomWeights.Normal<float>(3 * g, random, deviation: Math.Exp(random.Next(-20, 20)));
        if (tinyGroup)
        {
            x.AsSpan(g, g).Fill(ActivationQuantizeLoops.SmallestMaximum / 2);
        }

        var (expectedCodes, expectedScales) = (new sbyte[x.Length], new float[3]);
        ActivationQuantizeLoops.QuantizeRow(VectorTier.Scalar, x, g, expectedCodes, expectedScales);
        foreach (var tier in VectorTiers.Available)
        {
            var (codes, scales) = (new sbyte[x.Length], new float[3]);
            ActivationQuantizeLoops.QuantizeRow(tier, x, g, codes, scales);
            ShouldHaveSameBits<sbyte>(codes, expectedCodes, $"codes at {tier}");
            ShouldHaveSameBits<float>(scales, expectedScales, $"scales at {tier}");
        }

        if (tinyGroup)
        {
            expectedScales[1].ShouldBe(0f);
            expectedCodes.AsSpan(g, g).ToArray().ShouldAllBe(code => code == 0);
        }
    }

    /// <summary>
    /// <c>A = 1</c>, so each code is <c>round_even(127 · x)</c>: 127, 63.5 → 64 (a tie, to even),
    /// −31.75 → −32, 95.25 → 95; and <c>d = fp32(1/127)</c>.
    /// </summary>
    [Fact]
    public void ActivationCodes_HandExample()
    {
        var (codes, scales) = (new sbyte[4], new float[1]);

        ActivationQuantizeLoops.QuantizeRow(VectorTier.Scalar, [1f, 0.5f, -0.25f, 0.75f], 4, codes, scales);

        codes.ShouldBe([127, 64, -32, 95]);
        scales[0].ShouldBe(1f / 127f);
    }

    [Fact]
    public void Int8Activations_UndefinedPrecision_IsAnErrorNamingIt()
    {
        var weight = RtnReference.Quantize<float>(new float[8], WeightShape.Matrix(2, 4), new RtnConfig(4, 4), RtnFormat.Signed);
        var error = Should.Throw<ArgumentOutOfRangeException>(() => RtnKernels.For(4, 4).MatMul<float>(
            new float[4], 1, weight.Packed, weight.Scales, 2, 4, [], new float[2], RtnFormat.Signed, new KernelOptions { Precision = (MatMulPrecision)7 }));
        error.Message.ShouldContain("Precision");
        error.Message.ShouldContain("Int8Activations");
    }

    /// <summary>
    /// docs/rtn-spec.md, "Linear with int8 activations": per output,
    /// <c>|y − y64| ≤ Σ_c |W'|·A/254 + 1e-5 · Σ_c (|W'| + s·Q/2)·A + tolerance · (Σ_c |x·W'| + |bias|)</c>,
    /// where A is the largest magnitude of the activation group of column c; measured, like the
    /// exact product's tolerance, in the Frobenius norm over all outputs. The spec's bound holds
    /// where the middle term's sum stays below the fp32 maximum; cases whose extreme weights pass
    /// it are left out.
    /// </summary>
    private static void WithinBound<T>(ProductCase c, double tolerance)
        where T : unmanaged
    {
        var (x, weight, bias) = ProductInputs.Make<T>(c);
        var actual = ProductInputs.MatMul(c.Weights, x, c.M, weight, bias, MatMulPrecision.Int8Activations);

        var dense = RtnReference.Dequantize(weight);
        var (rows, columns, g) = (c.Weights.Rows, c.Weights.Columns, c.Weights.G);
        var half = 1 << (c.Weights.Bits - 1);
        double error = 0, rounding = 0, sums = 0, size = 0;
        for (var i = 0; i < c.M; i++)
        {
            var largest = new double[columns / g];
            for (var k = 0; k < columns; k++)
            {
                largest[k / g] = Math.Max(largest[k / g], Math.Abs((double)Precision<T>.ToSingle(x[(i * columns) + k])));
            }

            for (var r = 0; r < rows; r++)
            {
                var exact = bias.Length == 0 ? 0d : Precision<T>.ToSingle(bias[r]);
                double magnitude = Math.Abs(exact), activationRounding = 0, offsetSums = 0;
                for (var k = 0; k < columns; k++)
                {
                    var w = (double)Precision<T>.ToSingle(dense[(r * columns) + k]);
                    var term = Precision<T>.ToSingle(x[(i * columns) + k]) * w;
                    var a = largest[k / g];
                    exact += term;
                    magnitude += Math.Abs(term);
                    activationRounding += Math.Abs(w) * a / 254;
                    offsetSums += (Math.Abs(w) + (Math.Abs(Precision<T>.ToSingle(weight.Scales[(r * (columns / g)) + (k / g)])) * half)) * a;
                }

                if (offsetSums >= float.MaxValue)
                {
                    return;
                }

                var difference = Precision<T>.ToSingle(actual[(i * rows) + r]) - exact;
                error += difference * difference;
                rounding += activationRounding * activationRounding;
                sums += offsetSums * offsetSums;
                size += magnitude * magnitude;
            }
        }

        var bound = Math.Sqrt(rounding) + (1e-5 * Math.Sqrt(sums)) + (tolerance * Math.Sqrt(size));
        Math.Sqrt(error).ShouldBeLessThanOrEqualTo(bound, $"error of {c}");
    }
}
