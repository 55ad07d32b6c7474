namespace Rtn.Gpu.Kernels;

/// <summary>Four fp32 bit patterns: one 16-byte load or store.</summary>
internal struct UInt4
{
    public uint X;
    public uint Y;
    public uint Z;
    public uint W;
}
