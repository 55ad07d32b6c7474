namespace Rtn.Tests.Reference;

/// <summary>
/// A reference quantization seen without its element type: codes unpacked, scales and the
/// dequantized weight widened to float (exact). Lets one hand-worked example run for every type.
/// </summary>
public sealed record Quantized(sbyte[] Codes, float[] Scales, float[] Dequantized, byte[] Packed, long[] PackedShape, long[] ScaleShape)
{
    public static Quantized Of(ElementKind kind, float[] values, WeightShape shape, RtnConfig config, RtnFormat format = RtnFormat.Signed) =>
        kind switch
        {
            ElementKind.Single => Of<float>(values, shape, config, format),
            ElementKind.Half => Of<Half>(values, shape, config, format),
            _ => Of<BFloat16>(values, shape, config, format),
        };

    public static Quantized Of<T>(float[] values, WeightShape shape, RtnConfig config, RtnFormat format = RtnFormat.Signed)
        where T : unmanaged
    {
        var typed = values.Select(Precision<T>.FromSingle).ToArray();
        typed.Select(Precision<T>.ToSingle).ShouldBe(values, $"every example value must be exact in {typeof(T).Name}");
        var weight = RtnReference.Quantize<T>(typed, shape, config, format);
        return new Quantized(
            RtnReference.UnpackCodes(weight.Packed, config.Bits, format),
            [.. weight.Scales.Select(Precision<T>.ToSingle)],
            [.. RtnReference.Dequantize(weight).Select(Precision<T>.ToSingle)],
            weight.Packed,
            weight.PackedShape,
            weight.ScaleShape);
    }
}
