using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;

namespace Rtn.Cli.Pipeline.Jobs;

/// <summary>
/// The hidden names beside an output: <c>.NAME.rtn-PID-ID</c> for what is being written and
/// <c>.NAME.rtn-old-PID-ID</c> for a previous output moved aside. The owner's process id in the
/// name lets a later run tell leftovers of a process that no longer runs from work in progress.
/// </summary>
internal static partial class StagingNames
{
    public static string Staging(string folder, string name) =>
        Path.Combine(folder, string.Create(CultureInfo.InvariantCulture, $".{name}.rtn-{Environment.ProcessId}-{Guid.NewGuid():N}"));

    public static string Aside(string folder, string name) =>
        Path.Combine(folder, string.Create(CultureInfo.InvariantCulture, $".{name}.rtn-old-{Environment.ProcessId}-{Guid.NewGuid():N}"));

    /// <summary>Leftovers for output <paramref name="name"/> in <paramref name="folder"/> whose owner no longer runs.</summary>
    public static IEnumerable<(string Path, bool IsAside, int OwnerId)> Abandoned(string folder, string name)
    {
        foreach (var entry in Directory.EnumerateFileSystemEntries(folder, $".{name}.rtn-*"))
        {
            var match = Pattern().Match(Path.GetFileName(entry));
            if (match.Success
                && match.Groups["name"].Value == name
                && int.TryParse(match.Groups["pid"].Value, NumberStyles.None, CultureInfo.InvariantCulture, out var owner)
                && !IsRunning(owner, entry))
            {
                yield return (entry, match.Groups["old"].Success, owner);
            }
        }
    }

    /// <summary>
    /// Whether the process that made <paramref name="entry"/> may still be running: a process with
    /// that id exists and started before the entry was last written (a later one reuses the id).
    /// </summary>
    private static bool IsRunning(int processId, string entry)
    {
        try
        {
            using var process = Process.GetProcessById(processId);
            return process.StartTime.ToUniversalTime() <= File.GetLastWriteTimeUtc(entry).AddSeconds(1);
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException)
        {
            return false;
        }
    }

    [GeneratedRegex(@"^\.(?<name>.+)\.rtn-(?<old>old-)?(?<pid>[0-9]+)-[0-9a-f]{32}$", RegexOptions.CultureInvariant)]
    private static partial Regex Pattern();
}
