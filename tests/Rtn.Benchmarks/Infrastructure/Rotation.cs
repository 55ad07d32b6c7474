namespace Rtn.Benchmarks.Infrastructure;

/// <summary>
/// Copies of a buffer, handed out in turn, enough of them to span at least 512 MiB: each call
/// then reads memory no cache holds (the L3 here is 32 MiB), as a model's weights would be. The
/// copies live where the layers keep weights (<see cref="WeightArrays"/>).
/// </summary>
public sealed class Rotation<T>
    where T : unmanaged
{
    public const long SpanBytes = 512L << 20;

    private readonly T[][] copies;
    private int next;

    public Rotation(T[] template, long bytesPerCopy)
    {
        var count = (int)Math.Max(2, (SpanBytes + bytesPerCopy - 1) / bytesPerCopy);
        copies = new T[count][];
        for (var i = 0; i < count; i++)
        {
            copies[i] = WeightArrays.Allocate<T>(template.Length);
            template.CopyTo(copies[i], 0);
        }
    }

    public int Count => copies.Length;

    public T[] Next()
    {
        var copy = copies[next];
        next = (next + 1) % copies.Length;
        return copy;
    }

    /// <summary>The copy that <see cref="Next"/> returned last.</summary>
    public T[] Current => copies[(next + copies.Length - 1) % copies.Length];
}
