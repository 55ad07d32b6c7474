using ILGPU;

namespace Rtn.Gpu.Kernels;

/// <summary>bf16 weights as raw bits, moved 8 bytes at a time and converted in registers.</summary>
internal readonly struct BFloat16Element : IGpuElement<ushort>
{
    public static float ToSingle(ushort raw) => FloatBits.BFloat16ToSingle(raw);

    public static ushort FromSingle(float value) => FloatBits.SingleToBFloat16(value);

    public static Float4 Load4(ArrayView<ushort> view, int index) => SixteenBitWords.Load4<BFloat16Element>(view, index);

    public static void Store4(ArrayView<ushort> view, int index, Float4 values) => SixteenBitWords.Store4<BFloat16Element>(view, index, values);
}
