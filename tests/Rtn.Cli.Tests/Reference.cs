using System.Runtime.InteropServices;
using Rtn.Safetensors;

namespace Rtn.Cli.Tests;

/// <summary>What RtnReference gives for a test tensor, as the bytes and shapes a file would hold.</summary>
internal sealed record ReferenceWeight(byte[] Packed, byte[] Scales, long[] PackedShape, long[] ScaleShape, byte[] Dequantized);

internal static class Reference
{
    public static ReferenceWeight Quantize(TestTensor tensor, RtnConfig config, RtnFormat format)
    {
        var shape = WeightShape.FromDimensions(tensor.Shape);
        return tensor.DType switch
        {
            SafetensorsDType.F32 => From(RtnReference.Quantize<float>(TestModels.Stored<float>(tensor), shape, config, format)),
            SafetensorsDType.F16 => From(RtnReference.Quantize<Half>(TestModels.Stored<Half>(tensor), shape, config, format)),
            SafetensorsDType.BF16 => From(RtnReference.Quantize<BFloat16>(TestModels.Stored<BFloat16>(tensor), shape, config, format)),
            _ => throw new ArgumentOutOfRangeException(nameof(tensor), tensor.DType, "Only floating-point tensors are quantized."),
        };
    }

    private static ReferenceWeight From<T>(QuantizedWeight<T> weight)
        where T : unmanaged =>
        new(
            weight.Packed,
            MemoryMarshal.AsBytes(weight.Scales.AsSpan()).ToArray(),
            weight.PackedShape,
            weight.ScaleShape,
            MemoryMarshal.AsBytes(RtnReference.Dequantize(weight).AsSpan()).ToArray());
}
