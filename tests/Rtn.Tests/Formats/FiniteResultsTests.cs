using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Rtn.Tests.Reference;

namespace Rtn.Tests.Formats;

/// <summary><see cref="FiniteResults"/> refuses exactly the weights whose reference dequantization is not finite.</summary>
public class FiniteResultsTests
{
    [Theory]
    [InlineData(ElementKind.Single)]
    [InlineData(ElementKind.BFloat16)]
    public void Ensure_InfiniteScale_NamesGroupAndMax(ElementKind kind)
    {
        float[] values = [1, 2, 3, 4, MathF.ScaleB(1, 127), -5, 6, 7];

        var error = Check(kind, values, WeightShape.Matrix(2, 4), new RtnConfig(8, 2));

        error.ShouldNotBeNull().Message.ShouldContain("group 0 of the row at [1, 0] (columns [0, 2)) has max|x| = 1.7014118E+38");
        error.Message.ShouldContain("overflows to infinity, so it would dequantize to NaN");
    }

    [Theory]
    [InlineData(4, 61440f, -61440f, true)]
    [InlineData(4, 61408f, -61408f, false)]
    [InlineData(4, 61440f, 61440f, false)]
    [InlineData(8, 65280f, -65280f, true)]
    [InlineData(8, 65248f, -65248f, false)]
    public void Ensure_Half_RefusesOnlyAMostNegativeCodeBeyond65504(int bits, float first, float second, bool refused)
    {
        // 4 bits: m = 61440 gives s = 8192 and a code -8 gives -65536 → -inf; m = 61408 gives
        // s = 8188 and -65504; a positive extreme gives code 7 (7 · 8192 = 57344).
        // 8 bits: m = 65280 gives s = 512 and -128 · 512 = -65536; m = 65248 gives s = 512 too
        // (65248 · 2 / 255 = 511.7) but -65248 / 512 = -127.44 → code -127, finite.
        var error = Check(ElementKind.Half, [first, 1, second, 1], WeightShape.Matrix(2, 2), new RtnConfig(bits, 2));

        if (refused)
        {
            error.ShouldNotBeNull().Message.ShouldContain("group 0 of the row at [1, 0]");
            error.Message.ShouldContain("beyond the largest");
            error.Message.ShouldContain($"max|x| = {-second}");
        }
        else
        {
            error.ShouldBeNull();
        }
    }

    [Fact]
    public void Ensure_Stack_NamesTheExpert()
    {
        float[] values = [1, 1, 1, 1, 1, 1, MathF.ScaleB(1, 127), 1];

        var error = Check(ElementKind.Single, values, WeightShape.Stack(2, 2, 2), new RtnConfig(8, -1));

        error.ShouldNotBeNull().Message.ShouldContain("the row at [1, 1, 0]");
    }

    [Property(MaxTest = 300)]
    public Property Ensure_RefusesExactlyWhenTheReferenceDequantizesToANonFiniteValue() =>
        Prop.ForAll(LargeGroups().ToArbitrary(), sample =>
        {
            var (kind, bits, values) = sample;
            var config = new RtnConfig(bits, 2);
            var shape = WeightShape.Matrix(2, values.Length / 2);
            var reference = Quantized.Of(kind, values, shape, config);
            var error = Check(kind, values, shape, config);
            return (error is not null == reference.Dequantized.Any(value => !float.IsFinite(value))).Label($"{kind} Q{bits}: [{string.Join(", ", values)}] → {error?.Message}");
        });

    /// <summary>Groups of two near the top of each type's range, exact in the type.</summary>
    private static Gen<(ElementKind Kind, int Bits, float[] Values)> LargeGroups() =>
        from kind in Gen.Elements(ElementKinds.All)
        from bits in Gen.Elements(4, 8)
        from fractions in Gen.Choose(-1000, 1000).ArrayOf(8)
        select (kind, bits, fractions.Select(f => Exact(kind, Top(kind) * (f / 1000f))).ToArray());

    private static float Top(ElementKind kind) => kind switch
    {
        ElementKind.Half => 65504f,
        ElementKind.BFloat16 => MathF.ScaleB(2f - MathF.ScaleB(1, -7), 127),
        _ => float.MaxValue,
    };

    private static float Exact(ElementKind kind, float value) => kind switch
    {
        ElementKind.Half => (float)(Half)value,
        ElementKind.BFloat16 => (float)(BFloat16)value,
        _ => value,
    };

    private static ArgumentException? Check(ElementKind kind, float[] values, WeightShape shape, RtnConfig config) => kind switch
    {
        ElementKind.Single => Check<float>(values, shape, config),
        ElementKind.Half => Check<Half>(values, shape, config),
        _ => Check<BFloat16>(values, shape, config),
    };

    private static ArgumentException? Check<T>(float[] values, WeightShape shape, RtnConfig config)
        where T : unmanaged
    {
        var typed = values.Select(Precision<T>.FromSingle).ToArray();
        var weight = RtnReference.Quantize<T>(typed, shape, config);
        try
        {
            FiniteResults.Ensure<T>(typed, shape, 0, shape.TotalRows, weight.Packed, weight.Scales, config, RtnFormat.Signed);
            return null;
        }
        catch (ArgumentException e)
        {
            return e;
        }
    }
}
