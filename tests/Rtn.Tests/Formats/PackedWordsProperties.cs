using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace Rtn.Tests.Formats;

/// <summary>
/// The word layout of compressed-tensors and MLX, checked against its description rather than
/// against the packer: element j of a row is the field at bit (j·b) mod 32 of word ⌊j·b/32⌋,
/// holding q + 2^(b−1), and the padding after the last element is zero.
/// </summary>
public class PackedWordsProperties
{
    [Property(MaxTest = 300)]
    public Property FromOffsetCodes_EveryElementSitsAtItsBitsAsCodePlusOffset() =>
        Prop.ForAll(Codes(), sample =>
        {
            var (bits, rows, columns, codes) = sample;
            var words = PackedWords.FromOffsetCodes(RtnReference.PackCodes(codes, bits, RtnFormat.Offset), rows, columns, bits);
            var perRow = PackedWords.WordsPerRow(bits, columns);
            words.Length.ShouldBe(rows * perRow * 4);
            var values = new uint[words.Length / 4];
            Buffer.BlockCopy(words, 0, values, 0, words.Length);
            var mask = (1u << bits) - 1;
            for (var r = 0; r < rows; r++)
            {
                for (var j = 0; j < columns; j++)
                {
                    var word = values[(r * perRow) + (j * bits / 32)];
                    var field = (word >> (j * bits % 32)) & mask;
                    field.ShouldBe((uint)(codes[(r * columns) + j] + (1 << (bits - 1))), $"row {r}, element {j}");
                }

                for (var bit = columns * bits; bit < perRow * 32; bit++)
                {
                    ((values[(r * perRow) + (bit / 32)] >> (bit % 32)) & 1u).ShouldBe(0u, $"padding bit {bit} of row {r}");
                }
            }
        });

    [Property(MaxTest = 300)]
    public Property ToOffsetCodes_UndoesFromOffsetCodes() =>
        Prop.ForAll(Codes(), sample =>
        {
            var (bits, rows, columns, codes) = sample;
            var offset = RtnReference.PackCodes(codes, bits, RtnFormat.Offset);
            PackedWords.ToOffsetCodes(PackedWords.FromOffsetCodes(offset, rows, columns, bits), rows, columns, bits).ShouldBe(offset);
        });

    [Fact]
    public void ToOffsetCodes_WrongLength_NamesRowsColumnsAndWords()
    {
        var error = Should.Throw<ArgumentException>(() => PackedWords.ToOffsetCodes(new byte[12], 2, 16, 4));
        error.Message.ShouldContain("2 rows of 16 4-bit codes take 2 × 2 words (16 bytes), but 12 bytes were given");
    }

    [Theory]
    [InlineData(4, 16, 2)]
    [InlineData(4, 18, 3)]
    [InlineData(8, 16, 4)]
    [InlineData(8, 18, 5)]
    public void WordsPerRow_RoundsUp(int bits, int columns, int words) => PackedWords.WordsPerRow(bits, columns).ShouldBe(words);

    private static Arbitrary<(int Bits, int Rows, int Columns, sbyte[] Codes)> Codes() =>
        (from bits in Gen.Elements(4, 8)
         from rows in Gen.Choose(1, 5)
         from half in Gen.Choose(1, 40)
         let columns = half * 2
         from codes in Gen.ArrayOf(Gen.Choose(-(1 << (bits - 1)), (1 << (bits - 1)) - 1).Select(c => (sbyte)c), rows * columns)
         select (bits, rows, columns, codes)).ToArbitrary();
}
