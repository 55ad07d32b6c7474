using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace Rtn.Tests.Reference;

/// <summary>The byte layouts: signed and offset, 4-bit nibbles low first, and their round trips.</summary>
public class PackingTests
{
    // Row 0: [7.5, -7.5, 2.5, 3.5]; row 1: [-1, 0, 7.5, -3]. Both rows have m = 7.5, so s = 1 and
    // the codes are 7, -8, 2, 4 | -1, 0, 7, -3 (QuantizeTieTests works out s and the ties).
    private static readonly float[] TwoByFour = [7.5f, -7.5f, 2.5f, 3.5f, -1f, 0f, 7.5f, -3f];

    [Fact]
    public void Pack_Int4TwoByFourSigned_PutsEvenCodeInLowNibble()
    {
        // Byte k = ((q[2k+1] & 0xF) << 4) | (q[2k] & 0xF), two's complement nibbles:
        //   k = 0: q0 =  7 → 0x7, q1 = -8 → 0x8 → 0x87
        //   k = 1: q2 =  2 → 0x2, q3 =  4 → 0x4 → 0x42
        //   k = 2: q4 = -1 → 0xF, q5 =  0 → 0x0 → 0x0F
        //   k = 3: q6 =  7 → 0x7, q7 = -3 → 0xD → 0xD7
        var quantized = Quantized.Of<float>(TwoByFour, WeightShape.Matrix(2, 4), new RtnConfig(4, 4));

        quantized.Codes.ShouldBe([7, -8, 2, 4, -1, 0, 7, -3]);
        quantized.Packed.ShouldBe([0x87, 0x42, 0x0F, 0xD7]);
        quantized.PackedShape.ShouldBe([1L, 4L]);
    }

    [Fact]
    public void Pack_Int4TwoByFourOffset_StoresCodePlusEight()
    {
        // u = q + 8: 15, 0, 10, 12 | 7, 8, 15, 5; byte k = (u[2k+1] << 4) | u[2k]:
        //   0x0F, 0xCA, 0x87, 0x5F, which is 0x87 ^ 0x88, 0x42 ^ 0x88, 0x0F ^ 0x88, 0xD7 ^ 0x88.
        var quantized = Quantized.Of<float>(TwoByFour, WeightShape.Matrix(2, 4), new RtnConfig(4, 4), RtnFormat.Offset);

        quantized.Codes.ShouldBe([7, -8, 2, 4, -1, 0, 7, -3]);
        quantized.Packed.ShouldBe([0x0F, 0xCA, 0x87, 0x5F]);
    }

    [Fact]
    public void Pack_Int8_StoresTwosComplementOrCodePlus128()
    {
        sbyte[] codes = [-128, -1, 0, 1, 127];

        RtnReference.PackCodes(codes, 8, RtnFormat.Signed).ShouldBe([0x80, 0xFF, 0x00, 0x01, 0x7F]);
        RtnReference.PackCodes(codes, 8, RtnFormat.Offset).ShouldBe([0x00, 0x7F, 0x80, 0x81, 0xFF]);
    }

    [Fact]
    public void Unpack_Int4Signed_SignExtendsEachNibble()
    {
        // 0xF8: low nibble 0x8 → -8, high nibble 0xF → -1. 0x7E: 0xE → -2, 0x7 → 7.
        RtnReference.UnpackCodes([0xF8, 0x7E], 4, RtnFormat.Signed).ShouldBe([-8, -1, -2, 7]);
        RtnReference.UnpackCodes([0xF8, 0x7E], 4, RtnFormat.Offset).ShouldBe([0, 7, 6, -1]);
    }

    [Fact]
    public void Offset_EveryInt4CodePair_IsSignedXor0x88()
    {
        for (var low = -8; low <= 7; low++)
        {
            for (var high = -8; high <= 7; high++)
            {
                sbyte[] pair = [(sbyte)low, (sbyte)high];
                var signed = RtnReference.PackCodes(pair, 4, RtnFormat.Signed)[0];
                RtnReference.PackCodes(pair, 4, RtnFormat.Offset)[0].ShouldBe((byte)(signed ^ 0x88), $"codes ({low}, {high})");
            }
        }
    }

    [Fact]
    public void Offset_EveryInt8Code_IsSignedXor0x80()
    {
        var codes = Enumerable.Range(-128, 256).Select(q => (sbyte)q).ToArray();

        var signed = RtnReference.PackCodes(codes, 8, RtnFormat.Signed);

        RtnReference.PackCodes(codes, 8, RtnFormat.Offset).ShouldBe(signed.Select(b => (byte)(b ^ 0x80)));
    }

    [Property(MaxTest = 300)]
    public Property PackThenUnpack_AnyCodes_GivesCodesBack() =>
        Prop.ForAll(
            (from bits in Gen.Elements(4, 8)
             from format in Gen.Elements(RtnFormat.Signed, RtnFormat.Offset)
             from pairs in Gen.Choose(0, 40)
             from codes in Gen.ArrayOf(Gen.Choose(-(1 << (bits - 1)), (1 << (bits - 1)) - 1), 2 * pairs)
             select (bits, format, codes: codes.Select(q => (sbyte)q).ToArray())).ToArbitrary(),
            c => RtnReference.UnpackCodes(RtnReference.PackCodes(c.codes, c.bits, c.format), c.bits, c.format).ShouldBe(c.codes));

    [Property(MaxTest = 300)]
    public Property UnpackThenPack_AnyBytes_GivesBytesBack() =>
        Prop.ForAll(
            (from bits in Gen.Elements(4, 8)
             from format in Gen.Elements(RtnFormat.Signed, RtnFormat.Offset)
             from bytes in Gen.ArrayOf(Gen.Choose(0, 255).Select(b => (byte)b))
             select (bits, format, bytes)).ToArbitrary(),
            c => RtnReference.PackCodes(RtnReference.UnpackCodes(c.bytes, c.bits, c.format), c.bits, c.format).ShouldBe(c.bytes));

    [Property(MaxTest = 200)]
    public Property Quantize_AnyWeightInBothFormats_OffsetBytesAreSignedXorMask() =>
        Prop.ForAll(WeightGen.AnyWeights(), weight => weight.Run(new FormatsAgree()));

    [Fact]
    public void Pack_OddNumberOfInt4Codes_IsRejected()
    {
        var error = Should.Throw<ArgumentException>(() => RtnReference.PackCodes([1, 2, 3], 4, RtnFormat.Signed));

        error.Message.ShouldContain("even");
        error.Message.ShouldContain("3");
    }

    [Fact]
    public void Pack_Int4CodeOutsideNibbleRange_IsRejectedNamingCodeAndIndex()
    {
        var error = Should.Throw<ArgumentOutOfRangeException>(() => RtnReference.PackCodes([1, 8], 4, RtnFormat.Offset));

        error.Message.ShouldContain("code 1 is 8");
    }

    [Theory]
    [InlineData(3)]
    [InlineData(16)]
    public void Pack_UnsupportedBits_IsRejectedNamingBits(int bits)
    {
        var error = Should.Throw<ArgumentOutOfRangeException>(() => RtnReference.PackCodes([0, 0], bits, RtnFormat.Signed));

        error.Message.ShouldContain($"{bits} bits");
    }

    private sealed class FormatsAgree : IWeightCheck
    {
        public void Check<T>(WeightCase weight, T[] values)
            where T : unmanaged
        {
            var signed = RtnReference.Quantize<T>(values, weight.Shape, weight.Config, RtnFormat.Signed);
            var offset = RtnReference.Quantize<T>(values, weight.Shape, weight.Config, RtnFormat.Offset);
            var mask = weight.Config.Bits == 4 ? 0x88 : 0x80;

            offset.Packed.ShouldBe(signed.Packed.Select(b => (byte)(b ^ mask)));
            offset.Scales.ShouldBe(signed.Scales);
            RtnReference.ConvertFormat(signed, RtnFormat.Offset).Packed.ShouldBe(offset.Packed);
            RtnReference.ConvertFormat(offset, RtnFormat.Signed).Packed.ShouldBe(signed.Packed);
            RtnReference.UnpackCodes(offset.Packed, weight.Config.Bits, RtnFormat.Offset)
                .ShouldBe(RtnReference.UnpackCodes(signed.Packed, weight.Config.Bits, RtnFormat.Signed));
        }
    }
}
