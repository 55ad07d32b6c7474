namespace Rtn;

/// <summary>
/// Codes packed into 32-bit words along each row, the layout of compressed-tensors'
/// <c>pack-quantized</c> <c>weight_packed</c> and of MLX's affine <c>weight</c>: element
/// <c>j</c> of a row sits at bit <c>(j·b) mod 32</c> of word <c>⌊j·b/32⌋</c>, stored as
/// <c>q + 2^(b−1)</c>, and a row that does not fill its last word is padded with zero bits.
/// Words are little-endian, so a row's words are byte for byte the offset layout's bytes of
/// that row (docs/rtn-spec.md, Storage formats) followed by the padding: converting changes no
/// code.
/// </summary>
public static class PackedWords
{
    /// <summary>32-bit words per row of <paramref name="columns"/> codes: <c>⌈columns·bits/32⌉</c>.</summary>
    public static int WordsPerRow(int bits, int columns) => checked((columns * bits) + 31) / 32;

    /// <summary>
    /// Packs <paramref name="rows"/> rows of offset-layout codes into words (as bytes, <c>4·WordsPerRow</c> per row).
    /// </summary>
    /// <exception cref="ArgumentException">A buffer does not hold <paramref name="rows"/> rows.</exception>
    public static byte[] FromOffsetCodes(ReadOnlySpan<byte> offsetCodes, int rows, int columns, int bits)
    {
        var (rowBytes, wordBytes) = RowSizes(rows, columns, bits, offsetCodes.Length, nameof(offsetCodes));
        var words = new byte[checked(rows * wordBytes)];
        for (var r = 0; r < rows; r++)
        {
            offsetCodes.Slice(r * rowBytes, rowBytes).CopyTo(words.AsSpan(r * wordBytes, rowBytes));
        }

        return words;
    }

    /// <summary>The offset-layout codes of <paramref name="rows"/> rows of words; the padding is dropped.</summary>
    /// <exception cref="ArgumentException">The words do not hold <paramref name="rows"/> rows of <paramref name="columns"/> codes.</exception>
    public static byte[] ToOffsetCodes(ReadOnlySpan<byte> words, int rows, int columns, int bits)
    {
        var wordBytes = 4 * WordsPerRow(bits, columns);
        if (words.Length != (long)rows * wordBytes)
        {
            throw new ArgumentException(
                $"{rows} rows of {columns} {bits}-bit codes take {rows} × {wordBytes / 4} words ({(long)rows * wordBytes} bytes), but {words.Length} bytes were given.",
                nameof(words));
        }

        var rowBytes = RowBytes(columns, bits);
        var codes = new byte[checked(rows * rowBytes)];
        for (var r = 0; r < rows; r++)
        {
            words.Slice(r * wordBytes, rowBytes).CopyTo(codes.AsSpan(r * rowBytes, rowBytes));
        }

        return codes;
    }

    private static (int RowBytes, int WordBytes) RowSizes(int rows, int columns, int bits, int length, string parameter)
    {
        var rowBytes = RowBytes(columns, bits);
        if (length != (long)rows * rowBytes)
        {
            throw new ArgumentException($"{rows} rows of {columns} {bits}-bit codes take {(long)rows * rowBytes} bytes, but {length} were given.", parameter);
        }

        return (rowBytes, 4 * WordsPerRow(bits, columns));
    }

    // At 4 bits a row holds an even number of codes (docs/rtn-spec.md, Inputs), so it fills whole bytes.
    private static int RowBytes(int columns, int bits)
    {
        if (bits is not (4 or 8) || columns <= 0 || (bits == 4 && columns % 2 != 0))
        {
            throw new ArgumentException($"Rows of {columns} {bits}-bit codes cannot be packed: bits must be 4 or 8, and a 4-bit row needs an even, positive number of codes.");
        }

        return columns * bits / 8;
    }
}
