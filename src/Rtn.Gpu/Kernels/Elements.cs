using ILGPU;

namespace Rtn.Gpu.Kernels;

/// <summary>Four consecutive values, widened to fp32; loaded and stored as one vector where the backend can.</summary>
internal struct Float4(float x, float y, float z, float w)
{
    public float X = x;
    public float Y = y;
    public float Z = z;
    public float W = w;
}

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

/// <summary>Four fp32 bit patterns: one 16-byte load or store.</summary>
internal struct UInt4
{
    public uint X;
    public uint Y;
    public uint Z;
    public uint W;
}

/// <summary>fp32 weights, moved 16 bytes at a time.</summary>
internal readonly struct Float32Element : IGpuElement<float>
{
    public static float ToSingle(float raw) => raw;

    public static float FromSingle(float value) => value;

    public static Float4 Load4(ArrayView<float> view, int index)
    {
        var bits = view.Cast<UInt4>()[index >> 2];
        return new Float4(Interop.IntAsFloat(bits.X), Interop.IntAsFloat(bits.Y), Interop.IntAsFloat(bits.Z), Interop.IntAsFloat(bits.W));
    }

    public static void Store4(ArrayView<float> view, int index, Float4 values) =>
        view.Cast<UInt4>()[index >> 2] = new UInt4
        {
            X = Interop.FloatAsInt(values.X),
            Y = Interop.FloatAsInt(values.Y),
            Z = Interop.FloatAsInt(values.Z),
            W = Interop.FloatAsInt(values.W),
        };
}

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
