namespace Rtn.Gpu.Kernels;

/// <summary>Four consecutive values, widened to fp32; loaded and stored as one vector where the backend can.</summary>
internal struct Float4(float x, float y, float z, float w)
{
    public float X = x;
    public float Y = y;
    public float Z = z;
    public float W = w;
}
