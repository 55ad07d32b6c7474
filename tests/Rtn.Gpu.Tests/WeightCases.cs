using System.Globalization;
using FsCheck;
using FsCheck.Fluent;

namespace Rtn.Gpu.Tests;

public enum ElementKind
{
    Float,
    Half,
    BFloat16,
}

/// <summary>How the values of one quantization group are drawn: each style aims at a rule of docs/rtn-spec.md.</summary>
public enum GroupStyle
{
    /// <summary>Uniform in ±10^e.</summary>
    Ordinary,

    /// <summary>All zeros: s = 0 and every code 0 (the 0/0 rule).</summary>
    Zero,

    /// <summary>Half-integers up to ±7.5 or ±127.5, so that x/s lands on ties.</summary>
    Ties,

    /// <summary>Small values plus one large outlier that sets the scale.</summary>
    Outlier,

    /// <summary>Subnormals of the element type: scales that underflow, quotients near infinity.</summary>
    Subnormal,

    /// <summary>Magnitudes near the type's largest finite value, where 2m overflows fp32.</summary>
    Huge,
}

/// <summary>A weight to quantize: shape, combination, layout and values (as fp32, exactly representable in the element type).</summary>
public sealed record WeightCase(int Bits, int GroupSize, int Rows, int Columns, RtnFormat Format, float[] Values, GroupStyle[] Styles)
{
    public RtnConfig Config => new(Bits, GroupSize);

    public WeightShape Shape => WeightShape.Matrix(Rows, Columns);

    public T[] ValuesAs<T>()
        where T : unmanaged =>
        [.. Values.Select(Precision<T>.FromSingle)];

    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"Q{Bits} g={GroupSize} [{Rows}, {Columns}] {Format} styles={string.Join(",", Styles)} values={string.Join(" ", Values.Select(v => v.ToString("R", CultureInfo.InvariantCulture)))}");
}

/// <summary>An activation matrix and bias for a MatMul case.</summary>
public sealed record MatMulCase(WeightCase Weight, int M, float[] X, float[]? Bias)
{
    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"m={M} bias={(Bias is null ? "none" : "yes")} {Weight}");
}

/// <summary>Generators for small shapes: the CPU accelerator is slow, and small shapes find the same bugs.</summary>
public static class WeightCases
{
    /// <summary>Group sizes: odd ones (4-bit bytes straddle groups), multiples of 4 but not 8, and the usual powers of two.</summary>
    private static readonly int[] GroupSizes = [1, 2, 3, 4, 6, 8, 12, 16, 32, 64, RtnConfig.PerRow];

    public static Arbitrary<WeightCase> Weights(ElementKind kind) => WeightGen(kind, allStyles: true).ToArbitrary();

    /// <summary>
    /// At least four outputs, so that the relative Frobenius error is not the error of one sum
    /// that happens to cancel to almost nothing.
    /// </summary>
    public static Arbitrary<MatMulCase> MatMulCases(ElementKind kind) =>
        (from weight in WeightGen(kind, allStyles: false)
         from drawn in Gen.Frequency((3, Gen.Constant(1)), (5, Gen.Choose(2, 9)))
         let m = drawn * weight.Rows >= 4 ? drawn : (3 + weight.Rows) / weight.Rows
         from x in Gen.ArrayOf(Uniform(1f), m * weight.Columns)
         from hasBias in Gen.Elements(true, false)
         from bias in Gen.ArrayOf(Uniform(1f), weight.Rows)
         select new MatMulCase(weight, m, Round(kind, x), hasBias ? Round(kind, bias) : null)).ToArbitrary();

    private static Gen<WeightCase> WeightGen(ElementKind kind, bool allStyles) =>
        from bits in Gen.Elements(4, 8)
        from groupSize in Gen.Elements(GroupSizes)
        from groupsPerRow in Gen.Choose(1, 4)
        from rowColumns in Gen.Choose(1, 24)
        from rowCount in Gen.Choose(1, 6)
        from format in Gen.Elements(RtnFormat.Signed, RtnFormat.Offset)
        let columns = Even(bits, groupSize == RtnConfig.PerRow ? 2 * rowColumns : groupSize * groupsPerRow, groupSize)
        let rows = bits == 4 ? 2 * ((rowCount + 1) / 2) : rowCount
        let groups = rows * (columns / (groupSize == RtnConfig.PerRow ? columns : groupSize))
        from styles in Gen.ArrayOf(allStyles ? Gen.Elements(Enum.GetValues<GroupStyle>()) : Gen.Elements(GroupStyle.Ordinary, GroupStyle.Zero, GroupStyle.Ties, GroupStyle.Outlier), groups)
        from values in Gen.CollectToArray(styles, style => Gen.ArrayOf(GroupValues(kind, style, bits), (rows * columns) / groups))
        select new WeightCase(bits, groupSize, rows, columns, format, Round(kind, [.. values.SelectMany(v => v)]), styles);

    /// <summary>4-bit codes need an even column count; doubling the groups per row keeps the group size.</summary>
    private static int Even(int bits, int columns, int groupSize) =>
        bits == 4 && columns % 2 != 0 ? 2 * columns : columns;

    private static Gen<float> GroupValues(ElementKind kind, GroupStyle style, int bits) => style switch
    {
        GroupStyle.Zero => Gen.Elements(0f, -0f),
        GroupStyle.Ties => Gen.Choose(-(1 << bits) + 1, (1 << bits) - 1).Select(k => k / 2f),
        GroupStyle.Outlier => Gen.Frequency((8, Uniform(0.01f)), (1, Uniform(1000f))),
        GroupStyle.Subnormal => Subnormal(kind),
        GroupStyle.Huge => Gen.Choose(0, 1000).Select(k => (k - 500) / 500f * MaxFinite(kind)),
        _ => from exponent in Gen.Choose(-3, 3) from v in Uniform(MathF.Pow(10, exponent)) select v,
    };

    private static Gen<float> Uniform(float magnitude) =>
        Gen.Choose(-1_000_000, 1_000_000).Select(k => k / 1_000_000f * magnitude);

    private static Gen<float> Subnormal(ElementKind kind) => kind switch
    {
        ElementKind.Half => Gen.Choose(-1023, 1023).Select(k => k * MathF.Pow(2, -24)),
        ElementKind.BFloat16 => Gen.Choose(-127, 127).Select(k => BitConverter.UInt32BitsToSingle(((uint)Math.Abs(k) << 16) | (k < 0 ? 0x8000_0000u : 0u))),
        _ => Gen.Choose(-0x7F_FFFF, 0x7F_FFFF).Select(k => BitConverter.UInt32BitsToSingle((uint)Math.Abs(k) | (k < 0 ? 0x8000_0000u : 0u))),
    };

    private static float MaxFinite(ElementKind kind) => kind switch
    {
        ElementKind.Half => 65504f,
        ElementKind.BFloat16 => (float)BFloat16.MaxValue,
        _ => float.MaxValue,
    };

    /// <summary>Rounds to the element type and back, so the fp32 values are exactly what the device sees.</summary>
    private static float[] Round(ElementKind kind, float[] values) => kind switch
    {
        ElementKind.Half => [.. values.Select(v => (float)(Half)v)],
        ElementKind.BFloat16 => [.. values.Select(v => (float)(BFloat16)v)],
        _ => values,
    };
}
