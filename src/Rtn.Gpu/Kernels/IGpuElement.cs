using ILGPU;

namespace Rtn.Gpu.Kernels;

/// <summary>
/// How a weight type lives in device memory. Kernels are generic over this so that fp32, fp16 and
/// bf16 share one body: <typeparamref name="TRaw"/> is the stored representation (fp32 itself,
/// or the 16 raw bits of fp16/bf16), converted in registers.
/// </summary>
/// <typeparam name="TRaw">The stored type.</typeparam>
internal interface IGpuElement<TRaw>
    where TRaw : unmanaged
{
    /// <summary>Widens exactly.</summary>
    static abstract float ToSingle(TRaw raw);

    /// <summary>Rounds to the stored type, to nearest with ties to even.</summary>
    static abstract TRaw FromSingle(float value);

    /// <summary>Loads elements <c>[index, index + 4)</c>; <paramref name="index"/> is a multiple of 4.</summary>
    static abstract Float4 Load4(ArrayView<TRaw> view, int index);

    /// <summary>Stores elements <c>[index, index + 4)</c>; <paramref name="index"/> is a multiple of 4.</summary>
    static abstract void Store4(ArrayView<TRaw> view, int index, Float4 values);
}
