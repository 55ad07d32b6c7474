using System.Runtime.InteropServices;
using Rtn.Kernels.Drivers;

namespace Rtn.Tests.Kernels;

/// <summary>
/// Base of the kernel tests: small calls are still split between threads (the threshold is
/// lowered, which changes speed only), so every property exercises the partitioning.
/// </summary>
public abstract class KernelTests
{
    static KernelTests() => Workers.MinElementsPerThread = 1;

    /// <summary>Fails at the first element whose bits differ, naming its index and both values.</summary>
    protected static void ShouldHaveSameBits<T>(ReadOnlySpan<T> actual, ReadOnlySpan<T> expected, string what)
        where T : unmanaged
    {
        actual.Length.ShouldBe(expected.Length, what);
        var size = MemoryMarshal.AsBytes(expected).Length / Math.Max(1, expected.Length);
        var a = MemoryMarshal.AsBytes(actual);
        var e = MemoryMarshal.AsBytes(expected);
        for (var i = 0; i < expected.Length; i++)
        {
            if (!a.Slice(i * size, size).SequenceEqual(e.Slice(i * size, size)))
            {
                throw new ShouldAssertException(
                    $"{what}[{i}]: expected {expected[i]} ({Convert.ToHexString(e.Slice(i * size, size))}), got {actual[i]} ({Convert.ToHexString(a.Slice(i * size, size))}).");
            }
        }
    }
}
