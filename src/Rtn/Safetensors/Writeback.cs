using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace Rtn.Safetensors;

/// <summary>
/// Starts writing a file's dirty pages to the disk without waiting (Linux's
/// <c>sync_file_range</c>), so that the disk works while the file is still being written and
/// the flush before the final rename waits only for the last part. Only a hint: elsewhere, or
/// when the call fails, the flush does all the work, as before.
/// </summary>
internal static class Writeback
{
    private const uint SyncFileRangeWrite = 2;

    /// <summary>Asks for bytes <c>[offset, offset + length)</c> of <paramref name="file"/> to start going to the disk.</summary>
    public static void Start(SafeFileHandle file, long offset, long length)
    {
        if (!OperatingSystem.IsLinux() || length <= 0)
        {
            return;
        }

        var added = false;
        try
        {
            file.DangerousAddRef(ref added);
            _ = SyncFileRange((int)file.DangerousGetHandle(), offset, length, SyncFileRangeWrite);
        }
        finally
        {
            if (added)
            {
                file.DangerousRelease();
            }
        }
    }

    // DllImport rather than LibraryImport, as in FileRangeCopy: the sources compile without the SDK's generators.
    [DllImport("libc", EntryPoint = "sync_file_range")]
    private static extern int SyncFileRange(int fd, long offset, long length, uint flags);
}
