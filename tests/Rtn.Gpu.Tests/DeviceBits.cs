using System.Runtime.InteropServices;

namespace Rtn.Gpu.Tests;

/// <summary>Comparisons by stored bits, so that -0 against +0 or one NaN against another is a difference.</summary>
public static class DeviceBits
{
    public static ushort[] Of16<T>(T[] values)
        where T : unmanaged =>
        MemoryMarshal.Cast<T, ushort>(values).ToArray();

    public static uint[] Of32<T>(T[] values)
        where T : unmanaged =>
        MemoryMarshal.Cast<T, uint>(values).ToArray();

    public static void ShouldHaveSameBits<T>(this T[] actual, T[] expected)
        where T : unmanaged
    {
        if (typeof(T) == typeof(float))
        {
            Of32(actual).ShouldBe(Of32(expected));
        }
        else
        {
            Of16(actual).ShouldBe(Of16(expected));
        }
    }
}
