using ILGPU;

namespace Rtn.Gpu.Kernels;

/// <summary>Four 16-bit values (fp16 or bf16 bits) moved as one 8-byte word and converted in registers.</summary>
internal static class SixteenBitWords
{
    /// <summary>Loads elements <c>[index, index + 4)</c>; <paramref name="index"/> is a multiple of 4.</summary>
    public static Float4 Load4<TElement>(ArrayView<ushort> view, int index)
        where TElement : struct, IGpuElement<ushort>
    {
        var word = view.Cast<ulong>()[index >> 2];
        return new Float4(
            TElement.ToSingle((ushort)word),
            TElement.ToSingle((ushort)(word >> 16)),
            TElement.ToSingle((ushort)(word >> 32)),
            TElement.ToSingle((ushort)(word >> 48)));
    }

    /// <summary>Stores elements <c>[index, index + 4)</c>; <paramref name="index"/> is a multiple of 4.</summary>
    public static void Store4<TElement>(ArrayView<ushort> view, int index, Float4 values)
        where TElement : struct, IGpuElement<ushort> =>
        view.Cast<ulong>()[index >> 2] =
            TElement.FromSingle(values.X)
            | ((ulong)TElement.FromSingle(values.Y) << 16)
            | ((ulong)TElement.FromSingle(values.Z) << 32)
            | ((ulong)TElement.FromSingle(values.W) << 48);
}
