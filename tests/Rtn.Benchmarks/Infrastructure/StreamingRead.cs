using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Rtn.Benchmarks.Infrastructure;

/// <summary>
/// Reads every byte once with the least work per byte the hardware allows: four independent vector
/// ORs per step. The time of this is the memory bound of any kernel that reads the same bytes.
/// </summary>
public static class StreamingRead
{
    /// <summary>
    /// Reads a quantized weight's <paramref name="codes"/> and <paramref name="scales"/> on every
    /// core, each core its share of both, as a product reads them; the result only keeps the reads alive.
    /// </summary>
    public static byte OnAllCores(byte[] codes, float[] scales)
    {
        var folds = new byte[Environment.ProcessorCount];
        var parts = folds.Length;
        Parallel.For(0, parts, part =>
        {
            var scaleBytes = MemoryMarshal.AsBytes(scales.AsSpan());
            var (codeShare, scaleShare) = (codes.Length / parts / 256 * 256, scaleBytes.Length / parts / 256 * 256);
            folds[part] = (byte)(Fold(codes.AsSpan(part * codeShare, codeShare)) | Fold(scaleBytes.Slice(part * scaleShare, scaleShare)));
        });
        return folds[0];
    }

    private static byte Fold(ReadOnlySpan<byte> bytes)
    {
        ref var start = ref MemoryMarshal.GetReference(bytes);
        var (a, b, c, d) = (Vector512<byte>.Zero, Vector512<byte>.Zero, Vector512<byte>.Zero, Vector512<byte>.Zero);
        for (nuint i = 0; i < (nuint)bytes.Length; i += 256)
        {
            a |= Vector512.LoadUnsafe(ref start, i);
            b |= Vector512.LoadUnsafe(ref start, i + 64);
            c |= Vector512.LoadUnsafe(ref start, i + 128);
            d |= Vector512.LoadUnsafe(ref start, i + 192);
        }

        return ((a | b) | (c | d))[0];
    }
}
