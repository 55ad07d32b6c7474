using FsCheck;
using FsCheck.Fluent;

namespace Rtn.Tests.Reference;

/// <summary>How one group's values are drawn. Every group of a weight picks its own style.</summary>
public enum GroupStyle
{
    /// <summary>Uniform in (-2^e, 2^e).</summary>
    Uniform,

    /// <summary>Uniform, with one value 2^3..2^8 times larger that sets the scale.</summary>
    WithOutlier,

    /// <summary>Uniform magnitudes, all negative: the group's extreme is -m, which may code to qmin.</summary>
    NegativeOnly,

    /// <summary>All zeros (some negative zeros): s = 0 and every code 0.</summary>
    Zero,

    /// <summary>Multiples of 2^e/8 in [-2^e, 2^e]: quotients land on and near ties.</summary>
    SmallMultiples,

    /// <summary>Small multiples of the type's smallest subnormal: the scale is subnormal or zero.</summary>
    Subnormal,

    /// <summary>Magnitudes near the top of the type's range.</summary>
    Huge,
}

/// <summary>Whether generated weights are 2-D matrices, 3-D stacks, or either.</summary>
public enum Stacking
{
    Any,
    MatricesOnly,
    StacksOnly,
}

/// <summary>A weight and activations (and maybe a bias) for a linear layer.</summary>
public sealed record LinearCase(WeightCase Weight, int Batch, float[] Activations, float[]? Bias)
{
    public override string ToString() =>
        $"{Weight} x[{Batch}, {Weight.Shape.Columns}] = [{string.Join(", ", Activations)}] bias = [{string.Join(", ", Bias ?? [])}]";
}

/// <summary>A weight whose groups are all zero or have m in [1, 16], and a power of two to scale it by.</summary>
public sealed record ScalingCase(WeightCase Weight, int Exponent);

/// <summary>
/// Generators for the reference's properties. FsCheck picks the structure (element type,
/// bits, group size, shape, magnitude, a seed); the seed then draws the values, group by group,
/// so that one weight mixes ordinary groups with edge cases. Shapes stay small (at most
/// 3 × 6 × 128 values) so a property runs hundreds of cases in well under a second or two.
/// </summary>
public static class WeightGen
{
    public static readonly GroupStyle[] AllStyles = Enum.GetValues<GroupStyle>();

    /// <summary>
    /// Styles for linear layers. No huge groups: products and sums would overflow fp16. No
    /// subnormal groups: an output that is itself subnormal is off by up to half the smallest
    /// subnormal, which no relative tolerance covers.
    /// </summary>
    public static readonly GroupStyle[] LinearStyles =
        [.. AllStyles.Where(style => style is not (GroupStyle.Huge or GroupStyle.Subnormal))];

    public static Gen<ElementKind> Kinds => Gen.Elements(ElementKinds.All);

    public static Gen<(RtnConfig Config, WeightShape Shape)> Layouts(Stacking stacking) =>
        from bits in Gen.Elements(4, 8)
        from perRow in Gen.Frequency((1, Gen.Constant(true)), (3, Gen.Constant(false)))
        from groupSize in Gen.Elements(1, 2, 3, 4, 6, 8, 16, 32)
        from groupsPerRow in Gen.Choose(1, 4)
        from rows in Gen.Choose(1, 6)
        from experts in Experts(stacking)
        select Layout(bits, perRow, groupSize, groupsPerRow, rows, experts);

    public static Gen<WeightCase> Weights(Stacking stacking, GroupStyle[] styles, int minExponent = -12, int maxExponent = 12) =>
        from kind in Kinds
        from layout in Layouts(stacking)
        from exponent in Gen.Choose(minExponent, maxExponent)
        from seed in Gen.Choose(0, int.MaxValue - 1)
        select new WeightCase(kind, layout.Config, layout.Shape, Values(kind, layout.Config, layout.Shape, exponent, styles, new Random(seed)));

    public static Arbitrary<WeightCase> AnyWeights(Stacking stacking = Stacking.Any) =>
        Weights(stacking, AllStyles).ToArbitrary();

    public static Arbitrary<LinearCase> LinearCases(bool withBias) =>
        (from weight in Weights(Stacking.MatricesOnly, LinearStyles, -4, 2)
         from batch in Gen.Choose(1, 3)
         from seed in Gen.Choose(0, int.MaxValue - 1)
         select Linear(weight, batch, withBias, new Random(seed))).ToArbitrary();

    /// <summary>
    /// Weights and exponents k such that nothing is subnormal or overflows before or after
    /// scaling by 2^k: nonzero |x| in [2^-4, 16], every nonzero group's m in [1, 16], and k
    /// within ±6 for fp16 (the narrowest range: 2^-4·2^-6 and s ≥ 2^-7·2^-6 stay above 2^-14,
    /// 16·2^6 stays below 65504) or ±100 for fp32 and bf16.
    /// </summary>
    public static Arbitrary<ScalingCase> ScalingCases() =>
        (from kind in Kinds
         from layout in Layouts(Stacking.Any)
         from exponent in kind == ElementKind.Half ? Gen.Choose(-6, 6) : Gen.Choose(-100, 100)
         from seed in Gen.Choose(0, int.MaxValue - 1)
         select new ScalingCase(
             new WeightCase(kind, layout.Config, layout.Shape, ScalableValues(kind, layout.Config, layout.Shape, new Random(seed))),
             exponent)).ToArbitrary();

    private static Gen<int> Experts(Stacking stacking) => stacking switch
    {
        Stacking.MatricesOnly => Gen.Constant(0),
        Stacking.StacksOnly => Gen.Choose(1, 3),
        _ => Gen.Frequency((2, Gen.Constant(0)), (1, Gen.Choose(1, 3))),
    };

    // experts == 0 means a plain matrix. 4-bit weights need even R and C, so odd sizes are doubled
    // (a doubled C is still a multiple of the group size).
    private static (RtnConfig, WeightShape) Layout(int bits, bool perRow, int groupSize, int groupsPerRow, int rows, int experts)
    {
        var columns = groupSize * groupsPerRow;
        if (bits == 4)
        {
            columns = columns % 2 == 0 ? columns : 2 * columns;
            rows = rows % 2 == 0 ? rows : rows + 1;
        }

        var config = new RtnConfig(bits, perRow ? RtnConfig.PerRow : groupSize);
        var shape = experts == 0 ? WeightShape.Matrix(rows, columns) : WeightShape.Stack(experts, rows, columns);
        return (config, shape);
    }

    private static float[] Values(ElementKind kind, RtnConfig config, WeightShape shape, int exponent, GroupStyle[] styles, Random random)
    {
        var groupSize = config.GroupSizeFor(shape.Columns);
        var values = new float[shape.ElementCount];
        for (var start = 0; start < values.Length; start += groupSize)
        {
            FillGroup(values.AsSpan(start, groupSize), kind, styles[random.Next(styles.Length)], Math.ScaleB(1.0, exponent), random);
        }

        return values;
    }

    private static void FillGroup(Span<float> group, ElementKind kind, GroupStyle style, double scale, Random random)
    {
        for (var i = 0; i < group.Length; i++)
        {
            var uniform = (2 * random.NextDouble()) - 1;
            group[i] = kind.Round((float)(style switch
            {
                GroupStyle.Uniform or GroupStyle.WithOutlier => uniform * scale,
                GroupStyle.NegativeOnly => -Math.Abs(uniform) * scale,
                GroupStyle.Zero => random.Next(2) == 0 ? 0.0 : -0.0,
                GroupStyle.SmallMultiples => random.Next(-8, 9) * scale / 8,
                GroupStyle.Subnormal => random.Next(-40, 41) * (double)kind.SmallestSubnormal(),
                _ => Math.CopySign(0.5 + (random.NextDouble() / 2), uniform) * kind.Huge(),
            }));
        }

        if (style == GroupStyle.WithOutlier)
        {
            var outlier = Math.Min(scale * Math.ScaleB(1.0, random.Next(3, 9)), kind.Huge());
            group[random.Next(group.Length)] = kind.Round((float)(random.Next(2) == 0 ? outlier : -outlier));
        }
    }

    private static float[] ScalableValues(ElementKind kind, RtnConfig config, WeightShape shape, Random random)
    {
        var groupSize = config.GroupSizeFor(shape.Columns);
        var values = new float[shape.ElementCount];
        for (var start = 0; start < values.Length; start += groupSize)
        {
            var group = values.AsSpan(start, groupSize);
            if (random.Next(5) == 0)
            {
                continue;
            }

            var negativeOnly = random.Next(4) == 0;
            for (var i = 0; i < group.Length; i++)
            {
                var magnitude = 16 * random.NextDouble();
                var value = magnitude < 1.0 / 16 ? 0.0 : negativeOnly || random.Next(2) == 0 ? -magnitude : magnitude;
                group[i] = kind.Round((float)value);
            }

            var extreme = 1 + (15 * random.NextDouble());
            group[random.Next(group.Length)] = kind.Round((float)(negativeOnly || random.Next(2) == 0 ? -extreme : extreme));
        }

        return values;
    }

    private static LinearCase Linear(WeightCase weight, int batch, bool withBias, Random random)
    {
        float Draw(double range) => weight.Kind.Round((float)(((2 * random.NextDouble()) - 1) * range));
        var activations = Enumerable.Range(0, batch * weight.Shape.Columns).Select(_ => Draw(2)).ToArray();
        var bias = withBias ? Enumerable.Range(0, weight.Shape.Rows).Select(_ => Draw(1)).ToArray() : null;
        return new LinearCase(weight, batch, activations, bias);
    }
}
