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
    /// The bytes of each declared tensor for <paramref name="rows"/> rows of <paramref name="shape"/>
    /// (all of them, or one slice), in order, from the kernels' output in <see cref="KernelLayout"/>;
    /// a tensor that does not follow the rows (<see cref="WholeTensor"/>) is given whole.
    /// </summary>
    /// <exception cref="ArgumentException">An MLX bias, <c>−2^(b−1)·s</c>, overflows the scales' dtype; the message names the value.</exception>
    public static byte[][] Encode(SaveFormat save, SafetensorsDType dtype, RtnConfig config, WeightShape shape, int rows, byte[] packed, byte[] scales) => save switch
    {
        SaveFormat.CompressedTensors =>
            [PackedWords.FromOffsetCodes(packed, rows, shape.Columns, config.Bits), scales, WholeTensor(save, 2, shape)!],
        SaveFormat.Mlx =>
            [PackedWords.FromOffsetCodes(packed, rows, shape.Columns, config.Bits), scales, MlxBiases(scales, dtype, config.Bits)],
        _ => [packed, scales],
    };

    /// <summary>The bytes of declared tensor <paramref name="index"/> when they do not depend on the weight's rows (compressed-tensors' <c>weight_shape</c>), else null.</summary>
    public static byte[]? WholeTensor(SaveFormat save, int index, WeightShape shape) =>
        save == SaveFormat.CompressedTensors && index == 2 ? CompressedTensorsWeight.ShapeBytes(shape.Dimensions) : null;

    private static long[] WordShape(RtnConfig config, WeightShape shape)
    {
        long words = PackedWords.WordsPerRow(config.Bits, shape.Columns);
        return shape.IsStack ? [shape.Experts, shape.Rows, words] : [shape.Rows, words];
    }

    // MLX dequantizes w = s·u + bias with u = q + 2^(b−1); bias = −2^(b−1)·s makes that s·q.
    // Multiplying by a power of two is exact in every dtype unless it overflows.
    private static byte[] MlxBiases(byte[] scales, SafetensorsDType dtype, int bits) => dtype switch
    {
        SafetensorsDType.F16 => Biases<Half>(scales, bits, h => (float)h, f => (Half)f),
        SafetensorsDType.BF16 => Biases<BFloat16>(scales, bits, b => (float)b, f => (BFloat16)f),
        _ => Biases<float>(scales, bits, f => f, f => f),
    };

    private static byte[] Biases<T>(byte[] scales, int bits, Func<T, float> widen, Func<float, T> narrow)
        where T : unmanaged
    {
        var factor = -(float)(1 << (bits - 1));
        var source = MemoryMarshal.Cast<byte, T>(scales.AsSpan());
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
