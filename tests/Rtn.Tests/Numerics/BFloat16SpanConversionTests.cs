using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Rtn.Kernels.Simd;

namespace Rtn.Tests.Numerics;

/// <summary>
/// The vectorized span conversions against the scalar ones. Lengths up to 300 cover whole
/// 16- and 32-element blocks of either vector width plus every tail length; the vector
/// rounding helpers are also checked lane by lane at both widths, since a machine runs only
/// its widest tier through the span methods.
/// </summary>
public class BFloat16SpanConversionTests
{
    // Bit patterns where rounding is delicate, mixed into the random data.
    private static readonly uint[] EdgeBits =
    [
        0x0000_0000, 0x8000_0000, 0x0000_0001, 0x0000_8000, 0x0001_8000, 0x007F_FFFF,
        0x3F80_8000, 0x3F81_8000, 0x3F80_8001, 0x3F81_7FFF, 0x7F7F_7FFF, 0x7F7F_8000, 0x7F7F_FFFF,
        0x7F80_0000, 0xFF80_0000, 0x7F80_0001, 0xFF80_0001, 0x7FC0_0000, 0x7FFF_FFFF, 0xFFFF_FFFF,
    ];

    private static Arbitrary<uint[]> FloatBits() =>
        (from length in Gen.Choose(0, 300)
         from halves in Gen.ArrayOf(Gen.Choose(0, ushort.MaxValue), 2 * length)
         from edges in Gen.ArrayOf(Gen.Elements(EdgeBits), length)
         from useEdge in Gen.ArrayOf(Gen.Elements(false, false, false, true), length)
         select Enumerable.Range(0, length)
             .Select(i => useEdge[i] ? edges[i] : ((uint)halves[2 * i] << 16) | (uint)halves[(2 * i) + 1])
             .ToArray()).ToArbitrary();

    [Property(MaxTest = 300)]
    public Property ConvertFromSingle_AnyLength_MatchesScalarConversion() =>
        Prop.ForAll(FloatBits(), bits =>
        {
            var source = bits.Select(BitConverter.UInt32BitsToSingle).ToArray();
            var destination = new BFloat16[source.Length];

            BFloat16.ConvertFromSingle(source, destination);

            destination.Select(b => b.RawValue).ShouldBe(source.Select(x => ((BFloat16)x).RawValue));
        });

    [Property(MaxTest = 300)]
    public Property ConvertToSingle_AnyLength_MatchesScalarConversion() =>
        Prop.ForAll(FloatBits(), bits =>
        {
            var source = bits.Select(b => BFloat16.FromRawValue((ushort)(b >> 16))).ToArray();
            var destination = new float[source.Length];

            BFloat16.ConvertToSingle(source, destination);

            destination.Select(BitConverter.SingleToUInt32Bits).ShouldBe(source.Select(b => BitConverter.SingleToUInt32Bits(b)));
        });

    [Fact]
    public void ConvertFromSingle_LongerDestination_WritesOnlyTheSourceLength()
    {
        var source = Enumerable.Range(0, 37).Select(i => i + 0.5f).ToArray();
        var destination = Enumerable.Repeat(BFloat16.NaN, 40).ToArray();

        BFloat16.ConvertFromSingle(source, destination);

        destination.Take(37).Select(b => (float)b).ShouldBe(source);
        destination.Skip(37).ShouldAllBe(b => BFloat16.IsNaN(b));
    }

    [Fact]
    public void ConvertToSingle_LongerDestination_WritesOnlyTheSourceLength()
    {
        var source = Enumerable.Range(0, 37).Select(i => (BFloat16)(i + 0.5f)).ToArray();
        var destination = Enumerable.Repeat(-1f, 40).ToArray();

        BFloat16.ConvertToSingle(source, destination);

        destination.Take(37).ShouldBe(source.Select(b => (float)b));
        destination.Skip(37).ShouldAllBe(x => x == -1f);
    }

    [Fact]
    public void ConvertFromSingle_ShortDestination_IsRejectedNamingBothLengths() =>
        Should.Throw<ArgumentException>(() => BFloat16.ConvertFromSingle(new float[5], new BFloat16[4]))
            .Message.ShouldContain("holds 4 values, source has 5");

    [Fact]
    public void ConvertToSingle_ShortDestination_IsRejectedNamingBothLengths() =>
        Should.Throw<ArgumentException>(() => BFloat16.ConvertToSingle(new BFloat16[5], new float[4]))
            .Message.ShouldContain("holds 4 values, source has 5");

    [Property(MaxTest = 300)]
    public Property RoundToUpperHalf256_EveryLane_MatchesScalar() =>
        Prop.ForAll(Lanes(Width256.Count), EveryLaneMatchesScalar<Width256, Vector256<float>>);

    [Property(MaxTest = 300)]
    public Property RoundToUpperHalf512_EveryLane_MatchesScalar() =>
        Prop.ForAll(Lanes(Width512.Count), EveryLaneMatchesScalar<Width512, Vector512<float>>);

    private static void EveryLaneMatchesScalar<TWidth, TVector>(uint[] lanes)
        where TWidth : struct, ISimdWidth<TVector>
        where TVector : struct
    {
        var rounded = new float[TWidth.Count];
        TWidth.Store(BFloat16.RoundToUpperHalf<TWidth, TVector>(TWidth.Load(ref Unsafe.As<uint, float>(ref lanes[0]))), ref rounded[0]);
        for (var i = 0; i < lanes.Length; i++)
        {
            BitConverter.SingleToUInt32Bits(rounded[i]).ShouldBe(BFloat16.RoundToUpperHalf(lanes[i]), $"0x{lanes[i]:X8}");
        }
    }

    private static Arbitrary<uint[]> Lanes(int count) =>
        Gen.ArrayOf(
                Gen.OneOf(
                    Gen.Elements(EdgeBits),
                    Gen.Choose(0, ushort.MaxValue).Two().Select(h => ((uint)h.Item1 << 16) | (uint)h.Item2)),
                count)
            .ToArbitrary();
}
