using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace Rtn.Tests.Reference;

/// <summary>What every quantization must satisfy, over random shapes, group sizes, bits, types and values.</summary>
public class QuantizeProperties
{
    [Property(MaxTest = 400)]
    public Property Quantize_AnyWeight_ErrorWithinHalfScalePlusRounding() =>
        Prop.ForAll(WeightGen.AnyWeights(), weight => weight.Run(new ErrorWithinBound()));

    [Property(MaxTest = 300)]
    public Property Quantize_AnyWeight_CodesInRangeWithTheValuesSign() =>
        Prop.ForAll(WeightGen.AnyWeights(), weight => weight.Run(new CodesInRange()));

    [Property(MaxTest = 200)]
    public Property Quantize_Stack_EqualsEachExpertQuantizedAlone() =>
        Prop.ForAll(WeightGen.AnyWeights(Stacking.StacksOnly), weight => weight.Run(new StackEqualsSlices()));

    [Property(MaxTest = 300)]
    public Property Quantize_WeightScaledByPowerOfTwo_ScalesScaleAndKeepsCodes() =>
        Prop.ForAll(WeightGen.ScalingCases(), scaling => scaling.Weight.Run(new PowerOfTwoScaling(scaling.Exponent)));

    /// <summary>
    /// |x − q·s| ≤ s·(1/2 + 2·Q·u) + Q·σ/2, with s the stored scale, u the type's unit roundoff
    /// (2^-24, 2^-11, 2^-8) and σ its smallest subnormal. Why: with z = x/s exactly, the fp32
    /// quotient and its rounding to T give y = z(1 + ε), |ε| ≤ 2u, so an unclamped code is within
    /// 1/2 + 2u·|z| ≤ 1/2 + Q·u of z. Clamping only bites on the group's extremes, where
    /// |z| ≤ m/s; s carries three roundings (fp32(1/(Q-1)), the fp32 product, T), so
    /// s = (2m/(Q-1))(1 + δ) + η with |δ| ≤ 3u and |η| ≤ σ/2 once s is subnormal, which moves
    /// m − qmax·s from exactly s/2 by at most (Q/2)(|δ|·s + σ/2). A scale that underflows to 0
    /// leaves |x| ≤ m ≤ (Q−1)·σ/4. For fp32 the slack is 2Q·2^-24, a few ulps of the codes; for
    /// bf16 at 8 bits it is large, because bf16 quotients near 127 are spaced 0.5 apart.
    /// </summary>
    private sealed class ErrorWithinBound : IWeightCheck
    {
        public void Check<T>(WeightCase weight, T[] values)
            where T : unmanaged
        {
            var quantized = RtnReference.Quantize<T>(values, weight.Shape, weight.Config);
            var codes = RtnReference.UnpackCodes(quantized.Packed, weight.Config.Bits, quantized.Format);
            var levels = weight.Levels;
            var slack = 2 * levels * weight.Kind.UnitRoundoff();
            var floor = levels * (double)weight.Kind.SmallestSubnormal() / 2;
            for (var i = 0; i < values.Length; i++)
            {
                double x = weight.Values[i];
                double s = Precision<T>.ToSingle(quantized.Scales[i / quantized.GroupSize]);
                var error = Math.Abs(x - (codes[i] * s));
                var bound = (s * (0.5 + slack)) + floor;
                error.ShouldBeLessThanOrEqualTo(bound, $"x = {x:R} at {weight.Shape.FormatPosition(i)}, q = {codes[i]}, s = {s:R}");
            }
        }
    }

    /// <summary>
    /// Codes lie in [qmin, qmax] and never have the opposite sign of their value (zero codes to
    /// zero). A 4-bit code outside [-8, 7] would wrap when packed and come back with the wrong
    /// sign, so the sign check also catches codes the nibble unpacking would hide.
    /// </summary>
    private sealed class CodesInRange : IWeightCheck
    {
        public void Check<T>(WeightCase weight, T[] values)
            where T : unmanaged
        {
            var quantized = RtnReference.Quantize<T>(values, weight.Shape, weight.Config);
            var codes = RtnReference.UnpackCodes(quantized.Packed, weight.Config.Bits, quantized.Format);
            codes.Length.ShouldBe(values.Length);
            for (var i = 0; i < codes.Length; i++)
            {
                var position = $"x = {weight.Values[i]:R} at {weight.Shape.FormatPosition(i)}";
                ((int)codes[i]).ShouldBeInRange(weight.Config.MinCode, weight.Config.MaxCode, position);
                (codes[i] * (double)weight.Values[i]).ShouldBeGreaterThanOrEqualTo(0, position);
                if (weight.Values[i] == 0)
                {
                    codes[i].ShouldBe((sbyte)0, position);
                }
            }
        }
    }

    private sealed class StackEqualsSlices : IWeightCheck
    {
        public void Check<T>(WeightCase weight, T[] values)
            where T : unmanaged
        {
            var shape = weight.Shape;
            var whole = RtnReference.Quantize<T>(values, shape, weight.Config);
            var slice = WeightShape.Matrix(shape.Rows, shape.Columns);
            var sliceValues = slice.ElementCount;
            var sliceBytes = (int)QuantizedWeight<T>.PackedLength(weight.Config.Bits, slice);
            var sliceScales = whole.Scales.Length / shape.Experts;
            for (var e = 0; e < shape.Experts; e++)
            {
                var alone = RtnReference.Quantize<T>(values.AsSpan(e * sliceValues, sliceValues), slice, weight.Config);
                whole.Packed.AsSpan(e * sliceBytes, sliceBytes).ToArray().ShouldBe(alone.Packed, $"expert {e}");
                whole.Scales.AsSpan(e * sliceScales, sliceScales).ToArray().ShouldBe(alone.Scales, $"expert {e}");
            }
        }
    }

    /// <summary>
    /// Multiplying by 2^k is exact while nothing is subnormal or overflows, and every step of
    /// the scale (2m, the product with fp32(1/(Q-1)), rounding to T) commutes with it, so
    /// s' = s·2^k exactly and x'/s' = x/s: the same quotients, the same codes.
    /// </summary>
    private sealed class PowerOfTwoScaling(int exponent) : IWeightCheck
    {
        public void Check<T>(WeightCase weight, T[] values)
            where T : unmanaged
        {
            var scaled = weight.Values.Select(x => Precision<T>.FromSingle(MathF.ScaleB(x, exponent))).ToArray();
            scaled.Select(Precision<T>.ToSingle).ShouldBe(weight.Values.Select(x => MathF.ScaleB(x, exponent)), "scaling must be exact");

            var original = RtnReference.Quantize<T>(values, weight.Shape, weight.Config);
            var result = RtnReference.Quantize<T>(scaled, weight.Shape, weight.Config);

            result.Packed.ShouldBe(original.Packed);
            result.Scales.Select(Precision<T>.ToSingle)
                .ShouldBe(original.Scales.Select(s => MathF.ScaleB(Precision<T>.ToSingle(s), exponent)));
        }
    }
}
