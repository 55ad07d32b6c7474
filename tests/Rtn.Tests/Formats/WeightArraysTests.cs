using System.Globalization;
using System.Runtime.InteropServices;

namespace Rtn.Tests.Formats;

/// <summary>The arrays the layers keep their weights in: zeroed, and on huge pages where Linux offers them.</summary>
public class WeightArraysTests
{
    private const int HugePageBytes = 2 << 20;

    [Theory]
    [InlineData(0)]
    [InlineData(1000)]
    [InlineData(3 * HugePageBytes)]
    public void Allocate_AnyLength_IsZeroed(int length)
    {
        var array = WeightArrays.Allocate<byte>(length);

        array.Length.ShouldBe(length);
        array.AsSpan().IndexOfAnyExcept((byte)0).ShouldBe(-1);
    }

    [Fact]
    public void Allocate_SeveralHugePages_AreBackedByHugePagesOnceWritten()
    {
        if (!OperatingSystem.IsLinux() || File.ReadAllText("/sys/kernel/mm/transparent_hugepage/enabled").Contains("[never]", StringComparison.Ordinal))
        {
            return;
        }

        var array = WeightArrays.Allocate<float>(4 * HugePageBytes / sizeof(float));
        array.AsSpan().Fill(1f);

        HugePageKilobytesAround(array).ShouldBeGreaterThan(0);
    }

    /// <summary>The <c>AnonHugePages</c> of the mappings that hold part of <paramref name="array"/>, from <c>/proc/self/smaps</c>.</summary>
    private static long HugePageKilobytesAround(float[] array)
    {
        var handle = GCHandle.Alloc(array, GCHandleType.Pinned);
        try
        {
            var first = (ulong)handle.AddrOfPinnedObject();
            var end = first + ((ulong)array.Length * sizeof(float));
            var (inside, kilobytes) = (false, 0L);
            foreach (var line in File.ReadLines("/proc/self/smaps"))
            {
                var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                if (fields[0].Contains('-', StringComparison.Ordinal) && !fields[0].EndsWith(':'))
                {
                    var range = fields[0].Split('-');
                    var (low, high) = (ulong.Parse(range[0], NumberStyles.HexNumber, CultureInfo.InvariantCulture), ulong.Parse(range[1], NumberStyles.HexNumber, CultureInfo.InvariantCulture));
                    inside = low < end && high > first;
                }
                else if (inside && fields[0] == "AnonHugePages:")
                {
                    kilobytes += long.Parse(fields[1], CultureInfo.InvariantCulture);
                }
            }

            return kilobytes;
        }
        finally
        {
            handle.Free();
        }
    }
}
