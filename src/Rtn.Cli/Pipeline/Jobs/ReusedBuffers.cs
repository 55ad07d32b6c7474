namespace Rtn.Cli.Pipeline.Jobs;

/// <summary>
/// Byte arrays the jobs of one run share from tensor to tensor, each growing to the largest
/// slice asked of it. A fresh array per tensor is fresh memory too, whose every page the
/// operating system zeroes on first touch, which cost more than the quantizing itself. Jobs
/// run one at a time, so one set serves them all; what a call returns is valid until the
/// next call for the same buffer.
/// </summary>
internal sealed class ReusedBuffers
{
    private byte[] input = [];
    private byte[] packed = [];
    private byte[] scales = [];

    /// <summary>The full-precision rows of a slice, as read from the file.</summary>
    public Memory<byte> Input(int length) => Take(ref input, length);

    /// <summary>The slice's packed codes.</summary>
    public Memory<byte> Packed(int length) => Take(ref packed, length);

    /// <summary>The slice's scales.</summary>
    public Memory<byte> Scales(int length) => Take(ref scales, length);

    private static Memory<byte> Take(ref byte[] buffer, int length)
    {
        if (buffer.Length < length)
        {
            // Let go of the smaller array before allocating, so the two are never both held.
            buffer = [];
            buffer = GC.AllocateUninitializedArray<byte>(length);
        }

        return buffer.AsMemory(0, length);
    }
}
