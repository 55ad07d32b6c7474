using ILGPU;

namespace Rtn.Gpu.Kernels;

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
