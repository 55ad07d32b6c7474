using ILGPU;

namespace Rtn.Gpu.Kernels;

/// <summary>bf16 weights as raw bits, moved 8 bytes at a time and converted in registers.</summary>
internal readonly struct BFloat16Element : IGpuElement<ushort>
{
    public static float ToSingle(ushort raw) => FloatBits.BFloat16ToSingle(raw);

    public static ushort FromSingle(float value) => FloatBits.SingleToBFloat16(value);

    public static Float4 Load4(ArrayView<ushort> view, int index)
    {
        var word = view.Cast<ulong>()[index >> 2];
        return new Float4(
            FloatBits.BFloat16ToSingle((ushort)word),
            FloatBits.BFloat16ToSingle((ushort)(word >> 16)),
            FloatBits.BFloat16ToSingle((ushort)(word >> 32)),
            FloatBits.BFloat16ToSingle((ushort)(word >> 48)));
    }

    public static void Store4(ArrayView<ushort> view, int index, Float4 values) =>
        view.Cast<ulong>()[index >> 2] =
            FloatBits.SingleToBFloat16(values.X)
            | ((ulong)FloatBits.SingleToBFloat16(values.Y) << 16)
            | ((ulong)FloatBits.SingleToBFloat16(values.Z) << 32)
            | ((ulong)FloatBits.SingleToBFloat16(values.W) << 48);
}
