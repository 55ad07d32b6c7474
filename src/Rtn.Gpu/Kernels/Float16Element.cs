using ILGPU;

namespace Rtn.Gpu.Kernels;

/// <summary>fp16 weights as raw bits, moved 8 bytes at a time and converted in registers.</summary>
internal readonly struct Float16Element : IGpuElement<ushort>
{
    public static float ToSingle(ushort raw) => FloatBits.HalfToSingle(raw);

    public static ushort FromSingle(float value) => FloatBits.SingleToHalf(value);

    public static Float4 Load4(ArrayView<ushort> view, int index) => SixteenBitWords.Load4<Float16Element>(view, index);

    public static void Store4(ArrayView<ushort> view, int index, Float4 values) => SixteenBitWords.Store4<Float16Element>(view, index, values);
}
