using System.Runtime.InteropServices;

namespace Rtn.Consumer.Tests;

/// <summary>Values compared by their stored bits, so that -0 and 0 (or two NaNs) are told apart.</summary>
internal static class StoredBits
{
    public static byte[] Of<T>(T[] values)
        where T : unmanaged => MemoryMarshal.AsBytes(values.AsSpan()).ToArray();
}
