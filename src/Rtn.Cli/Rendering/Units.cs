using System.Globalization;

namespace Rtn.Cli.Rendering;

/// <summary>Numbers as the tool prints them: invariant culture, binary units for sizes.</summary>
internal static class Units
{
    private static readonly string[] ByteUnits = ["B", "KiB", "MiB", "GiB", "TiB"];

    public static string Bytes(long bytes)
    {
        double value = bytes;
        var unit = 0;
        while (Math.Abs(value) >= 1024 && unit < ByteUnits.Length - 1)
        {
            value /= 1024;
            unit++;
        }

        return unit == 0
            ? string.Create(CultureInfo.InvariantCulture, $"{bytes} B")
            : string.Create(CultureInfo.InvariantCulture, $"{value:0.0} {ByteUnits[unit]}");
    }

    public static string Seconds(TimeSpan time) => Seconds(time.TotalSeconds);

    public static string Seconds(double seconds) =>
        seconds >= 1 ? string.Create(CultureInfo.InvariantCulture, $"{seconds:0.00} s")
        : seconds >= 1e-3 ? string.Create(CultureInfo.InvariantCulture, $"{seconds * 1e3:0.00} ms")
        : string.Create(CultureInfo.InvariantCulture, $"{seconds * 1e6:0.0} µs");

    /// <summary>Gigabytes (10^9 bytes) per second, the unit memory bandwidth is quoted in.</summary>
    public static string Throughput(double bytes, double seconds) =>
        bytes / seconds >= 1e9
            ? string.Create(CultureInfo.InvariantCulture, $"{bytes / seconds / 1e9:0.00} GB/s")
            : string.Create(CultureInfo.InvariantCulture, $"{bytes / seconds / 1e6:0.0} MB/s");

    public static string Decibels(double db) =>
        double.IsPositiveInfinity(db) ? "exact" : string.Create(CultureInfo.InvariantCulture, $"{db:0.00}");

    public static string Scientific(double value) =>
        value == 0 ? "0" : value.ToString("0.000e+0", CultureInfo.InvariantCulture);

    /// <summary>A fraction as a percentage: 0.873 → "87.3%".</summary>
    public static string Percent(double fraction) => string.Create(CultureInfo.InvariantCulture, $"{fraction * 100:0.0}%");

    public static string Ratio(double value) => string.Create(CultureInfo.InvariantCulture, $"{value:0.00}×");

    public static string Count(long value) => value.ToString("N0", CultureInfo.InvariantCulture);

    public static string Shape(IEnumerable<long> shape) =>
        "[" + string.Join(", ", shape.Select(d => d.ToString(CultureInfo.InvariantCulture))) + "]";
}
