using System.Runtime.InteropServices;
using Rtn.Cli.Pipeline.Planning;
using Rtn.Safetensors;

namespace Rtn.Cli.Pipeline.Formats;

/// <summary>
/// The tensors one quantized weight <c>P.weight</c> becomes in each save format, and their
/// bytes. compressed-tensors and MLX store the offset layout's codes (<c>q + 2^(b−1)</c>) as
/// little-endian 32-bit words along each row (<see cref="PackedWords"/>), so every format holds
/// the same codes and scales as the <c>rtn</c> layout.
/// </summary>
internal static class QuantizedOutputs
{
    public const string MlxScalesSuffix = ".scales";
    public const string MlxBiasesSuffix = ".biases";

    /// <summary>The byte layout the kernels are asked for: the chosen one for <c>rtn</c>, offset (the stored <c>q + 2^(b−1)</c>) for the others.</summary>
    public static RtnFormat KernelLayout(SaveFormat save, RtnFormat format) => save == SaveFormat.Rtn ? format : RtnFormat.Offset;

    /// <summary><c>P</c> for <c>P.weight</c>.</summary>
    public static string ModuleOf(string weightName) =>
        weightName.EndsWith(TensorSelector.WeightSuffix, StringComparison.Ordinal)
            ? weightName[..^TensorSelector.WeightSuffix.Length]
            : throw new ArgumentException($"'{weightName}' is not a *.weight tensor.", nameof(weightName));

    public static TensorDeclaration[] Declare(SaveFormat save, RtnFormat format, string weightName, SafetensorsDType dtype, RtnConfig config, WeightShape shape)
    {
        var module = ModuleOf(weightName);
        var scaleShape = QuantizedWeight.ScaleShapeOf(config, shape);
        var wordShape = WordShape(config, shape);
        return save switch
        {
            SaveFormat.CompressedTensors =>
            [
                new(module + CompressedTensorsWeight.PackedSuffix, SafetensorsDType.I32, wordShape),
                new(module + CompressedTensorsWeight.ScaleSuffix, dtype, scaleShape),
                new(module + CompressedTensorsWeight.ShapeSuffix, SafetensorsDType.I64, [shape.Dimensions.Length]),
            ],
            SaveFormat.Mlx =>
            [
                new(weightName, SafetensorsDType.U32, wordShape),
                new(module + MlxScalesSuffix, dtype, scaleShape),
                new(module + MlxBiasesSuffix, dtype, scaleShape),
            ],
            _ =>
            [
                new(weightName, format == RtnFormat.Signed ? SafetensorsDType.I8 : SafetensorsDType.U8, QuantizedWeight.PackedShapeOf(config, shape)),
                new(QuantizedNames.ScaleFor(weightName), dtype, scaleShape),
            ],
        };
    }

    /// <summary>
    /// The bytes of the first declared tensor, the codes, for <paramref name="rows"/> rows of
    /// <paramref name="columns"/> (all of them, or one slice), from the kernels' output in
    /// <see cref="KernelLayout"/>: passed through, not copied, where the format stores them as they are.
    /// </summary>
    public static ReadOnlyMemory<byte> EncodeCodes(SaveFormat save, RtnConfig config, int rows, int columns, ReadOnlyMemory<byte> packed) =>
        save == SaveFormat.Rtn ? packed : Words(packed, rows, columns, config.Bits);

    /// <summary>
    /// The bytes of the declared tensors after the codes, in order, from all of the weight's
    /// <paramref name="scales"/>: the scales themselves, then compressed-tensors' shape or MLX's biases.
    /// </summary>
    /// <exception cref="ArgumentException">An MLX bias, <c>−2^(b−1)·s</c>, overflows the scales' dtype; the message names the value.</exception>
    public static ReadOnlyMemory<byte>[] EncodeFromScales(SaveFormat save, SafetensorsDType dtype, RtnConfig config, WeightShape shape, ReadOnlyMemory<byte> scales) => save switch
    {
        SaveFormat.CompressedTensors => [scales, CompressedTensorsWeight.ShapeBytes(shape.Dimensions)],
        SaveFormat.Mlx => [scales, MlxBiases(scales.Span, dtype, config.Bits)],
        _ => [scales],
    };

    // A row whose codes fill whole words is already laid out as its words: no copy is needed.
    private static ReadOnlyMemory<byte> Words(ReadOnlyMemory<byte> offsetCodes, int rows, int columns, int bits) =>
        columns * bits % 32 == 0 && offsetCodes.Length == (long)rows * columns * bits / 8
            ? offsetCodes
            : PackedWords.FromOffsetCodes(offsetCodes.Span, rows, columns, bits);

    private static long[] WordShape(RtnConfig config, WeightShape shape)
    {
        long words = PackedWords.WordsPerRow(config.Bits, shape.Columns);
        return shape.IsStack ? [shape.Experts, shape.Rows, words] : [shape.Rows, words];
    }

    // MLX dequantizes w = s·u + bias with u = q + 2^(b−1); bias = −2^(b−1)·s makes that s·q.
    // Multiplying by a power of two is exact in every dtype unless it overflows.
    private static byte[] MlxBiases(ReadOnlySpan<byte> scales, SafetensorsDType dtype, int bits) => dtype switch
    {
        SafetensorsDType.F16 => Biases<Half>(scales, bits, h => (float)h, f => (Half)f),
        SafetensorsDType.BF16 => Biases<BFloat16>(scales, bits, b => (float)b, f => (BFloat16)f),
        _ => Biases<float>(scales, bits, f => f, f => f),
    };

    private static byte[] Biases<T>(ReadOnlySpan<byte> scales, int bits, Func<T, float> widen, Func<float, T> narrow)
        where T : unmanaged
    {
        var factor = -(float)(1 << (bits - 1));
        var source = MemoryMarshal.Cast<byte, T>(scales);
        var biases = new byte[scales.Length];
        var target = MemoryMarshal.Cast<byte, T>(biases.AsSpan());
        for (var i = 0; i < source.Length; i++)
        {
            var bias = narrow(factor * widen(source[i]));
            if (!float.IsFinite(widen(bias)))
            {
                throw new ArgumentException($"scale {widen(source[i])} (group {i}) gives the MLX bias {factor}·{widen(source[i])}, which overflows {typeof(T).Name}.");
            }

            target[i] = bias;
        }

        return biases;
    }
}
