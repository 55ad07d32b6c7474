using ILGPU;

namespace Rtn.Gpu.Kernels;

/// <summary>fp16 weights as raw bits, moved 8 bytes at a time and converted in registers.</summary>
internal readonly struct Float16Element : IGpuElement<ushort>
{
    public static float ToSingle(ushort raw) => FloatBits.HalfToSingle(raw);

    public static ushort FromSingle(float value) => FloatBits.SingleToHalf(value);

    public static Float4 Load4(ArrayView<ushort> view, int index)
    {
        var word = view.Cast<ulong>()[index >> 2];
        return new Float4(
            FloatBits.HalfToSingle((ushort)word),
            FloatBits.HalfToSingle((ushort)(word >> 16)),
            FloatBits.HalfToSingle((ushort)(word >> 32)),
            FloatBits.HalfToSingle((ushort)(word >> 48)));
    }

    public static void Store4(ArrayView<ushort> view, int index, Float4 values) =>
        view.Cast<ulong>()[index >> 2] =
            FloatBits.SingleToHalf(values.X)
            | ((ulong)FloatBits.SingleToHalf(values.Y) << 16)
            | ((ulong)FloatBits.SingleToHalf(values.Z) << 32)
            | ((ulong)FloatBits.SingleToHalf(values.W) << 48);
}
