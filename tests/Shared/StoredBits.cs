using System.Runtime.InteropServices;

namespace Rtn.Testing;

/// <summary>Comparisons by stored bits, so that -0 against +0 or one NaN against another is a difference.</summary>
public static class StoredBits
{
    /// <summary>Fails naming the first position whose bits differ, with both values and their bits.</summary>
    public static void ShouldHaveSameBits<T>(this T[] actual, T[] expected)
        where T : unmanaged
    {
        actual.Length.ShouldBe(expected.Length);
        var size = MemoryMarshal.AsBytes(expected.AsSpan()).Length / Math.Max(1, expected.Length);
        var a = MemoryMarshal.AsBytes(actual.AsSpan());
        var e = MemoryMarshal.AsBytes(expected.AsSpan());
        for (var i = 0; i < expected.Length; i++)
        {
            if (!a.Slice(i * size, size).SequenceEqual(e.Slice(i * size, size)))
            {
                throw new ShouldAssertException(
                    $"[{i}]: expected {expected[i]} ({Convert.ToHexString(e.Slice(i * size, size))}), got {actual[i]} ({Convert.ToHexString(a.Slice(i * size, size))}).");
            }
        }
    }
}
