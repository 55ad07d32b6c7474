namespace Rtn.Cli.Pipeline.Jobs;

/// <summary>
/// Splits a weight's rows (over all experts, end to end) into slices the kernels take one at a
/// time, so a tensor of any size goes through with bounded memory. Groups never cross a row
/// (docs/rtn-spec.md, Quantize), so slicing by rows changes no code and no scale.
/// </summary>
internal static class RowSlices
{
    /// <summary>
    /// Most full-precision bytes per slice (settable for tests): small enough that a slice read
    /// into a buffer is still in the cache when the kernel reads it, and that the buffers are a
    /// small part of memory; large enough that a slice's fixed costs are nothing beside its work.
    /// </summary>
    public static long MaxBytes { get; set; } = 8L << 20;

    /// <summary>Slices <c>(first row, row count)</c> of rows of <paramref name="rowBytes"/> bytes each; counts are even, so 4-bit slices start on whole bytes of every row pair.</summary>
    public static IEnumerable<(long First, int Count)> Of(long rows, long rowBytes) => Of(rows, rowBytes, MaxBytes);

    /// <summary>Slices as <see cref="Of(long, long)"/>, of at most <paramref name="maxBytes"/> bytes each (at least two rows).</summary>
    public static IEnumerable<(long First, int Count)> Of(long rows, long rowBytes, long maxBytes)
    {
        var perSlice = (int)Math.Clamp(maxBytes / Math.Max(1, rowBytes) / 2 * 2, 2, int.MaxValue - 1);
        for (var first = 0L; first < rows; first += perSlice)
        {
            yield return (first, (int)Math.Min(perSlice, rows - first));
        }
    }
}
