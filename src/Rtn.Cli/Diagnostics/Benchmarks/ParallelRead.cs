using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Rtn.Cli.Diagnostics.Benchmarks;

/// <summary>
/// Reads every byte once with the least work per byte: four independent vector ORs per step,
/// split over threads as the kernels split theirs. A product reads its weights once and writes
/// almost nothing, so this, not a copy, is its memory bound.
/// </summary>
internal static class ParallelRead
{
    private const int StepBytes = 4 * 32;

    /// <summary>
    /// Reads <paramref name="codes"/> and <paramref name="scales"/>, a quantized weight's bytes, on
    /// <paramref name="threads"/> threads, each its share of both; the result only keeps the reads alive.
    /// </summary>
    public static byte Run<T>(byte[] codes, T[] scales, int threads)
        where T : unmanaged
    {
        var folds = new byte[threads];
        Parallel.For(0, threads, new ParallelOptions { MaxDegreeOfParallelism = threads }, t =>
            folds[t] = (byte)(Fold(Share(codes, t, threads)) | Fold(Share(MemoryMarshal.AsBytes<T>(scales), t, threads))));
        return folds[0];
    }

    /// <summary>Thread <paramref name="t"/>'s part of <paramref name="bytes"/>: whole steps, the rest to the last thread.</summary>
    private static ReadOnlySpan<byte> Share(ReadOnlySpan<byte> bytes, int t, int threads)
    {
        var chunk = (bytes.Length / threads) / StepBytes * StepBytes;
        return t == threads - 1 ? bytes[(t * chunk)..] : bytes.Slice(t * chunk, chunk);
    }

    private static byte Fold(ReadOnlySpan<byte> bytes)
    {
        ref var start = ref MemoryMarshal.GetReference(bytes);
        var (a, b, c, d) = (Vector256<byte>.Zero, Vector256<byte>.Zero, Vector256<byte>.Zero, Vector256<byte>.Zero);
        var whole = (nuint)(bytes.Length / StepBytes * StepBytes);
        for (nuint i = 0; i < whole; i += StepBytes)
        {
            a |= Vector256.LoadUnsafe(ref start, i);
            b |= Vector256.LoadUnsafe(ref start, i + 32);
            c |= Vector256.LoadUnsafe(ref start, i + 64);
            d |= Vector256.LoadUnsafe(ref start, i + 96);
        }

        var fold = ((a | b) | (c | d))[0];
        foreach (var value in bytes[(int)whole..])
        {
            fold |= value;
        }

        return fold;
    }
}
