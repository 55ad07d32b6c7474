using System.Buffers;
using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;
using static System.FormattableString;

namespace Rtn.Safetensors;

/// <summary>
/// Copies a range of one file into another at given offsets. On Linux the kernel copies from
/// page cache to page cache (<c>copy_file_range</c>, what <c>cp</c> does), so the bytes never
/// pass through the process; elsewhere, or where the file systems refuse, they are read and
/// written through a buffer.
/// </summary>
internal static class FileRangeCopy
{
    private const int BufferBytes = 1 << 20;

    // errno values for which the bytes are copied the portable way instead.
    private static readonly int[] Unsupported = [18 /* EXDEV */, 22 /* EINVAL */, 38 /* ENOSYS */, 95 /* EOPNOTSUPP */];

    /// <summary>Copies <paramref name="length"/> bytes from <paramref name="source"/> at <paramref name="sourceOffset"/> to <paramref name="target"/> at <paramref name="targetOffset"/>.</summary>
    public static void Copy(SafeFileHandle source, long sourceOffset, SafeFileHandle target, long targetOffset, long length)
    {
        var copied = OperatingSystem.IsLinux() ? CopyInKernel(source, sourceOffset, target, targetOffset, length) : 0;
        if (copied < length)
        {
            CopyThroughBuffer(source, sourceOffset + copied, target, targetOffset + copied, length - copied);
        }
    }

    /// <summary>Bytes copied before the kernel declined (none, where it cannot copy between these files).</summary>
    private static long CopyInKernel(SafeFileHandle source, long sourceOffset, SafeFileHandle target, long targetOffset, long length)
    {
        var (sourceAdded, targetAdded) = (false, false);
        try
        {
            source.DangerousAddRef(ref sourceAdded);
            target.DangerousAddRef(ref targetAdded);
            var (from, to) = ((int)source.DangerousGetHandle(), (int)target.DangerousGetHandle());
            var copied = 0L;
            while (copied < length)
            {
                var (readAt, writeAt) = (sourceOffset + copied, targetOffset + copied);
                var done = CopyFileRange(from, ref readAt, to, ref writeAt, (nuint)Math.Min(length - copied, 1L << 30), 0);
                if (done > 0)
                {
                    copied += done;
                    continue;
                }

                var error = Marshal.GetLastPInvokeError();
                if (done < 0 && Unsupported.Contains(error))
                {
                    return copied;
                }

                throw done == 0
                    ? new EndOfStreamException(Invariant($"The source file ended at byte {sourceOffset + copied}, before the {length} bytes to copy."))
                    : new IOException(Invariant($"Copying {length} bytes between files failed after {copied}: {Marshal.GetPInvokeErrorMessage(error)}."));
            }

            return copied;
        }
        finally
        {
            if (targetAdded)
            {
                target.DangerousRelease();
            }

            if (sourceAdded)
            {
                source.DangerousRelease();
            }
        }
    }

    private static void CopyThroughBuffer(SafeFileHandle source, long sourceOffset, SafeFileHandle target, long targetOffset, long length)
    {
        var buffer = ArrayPool<byte>.Shared.Rent((int)Math.Min(length, BufferBytes));
        try
        {
            for (var copied = 0L; copied < length;)
            {
                var read = RandomAccess.Read(source, buffer.AsSpan(0, (int)Math.Min(buffer.Length, length - copied)), sourceOffset + copied);
                if (read == 0)
                {
                    throw new EndOfStreamException(Invariant($"The source file ended at byte {sourceOffset + copied}, before the {length} bytes to copy."));
                }

                RandomAccess.Write(target, buffer.AsSpan(0, read), targetOffset + copied);
                copied += read;
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    // DllImport rather than LibraryImport: the library's sources also compile without the SDK's
    // source generators (the generator tests build them as they are), and every argument here is blittable.
    [DllImport("libc", EntryPoint = "copy_file_range", SetLastError = true)]
    private static extern nint CopyFileRange(int sourceFd, ref long sourceOffset, int targetFd, ref long targetOffset, nuint length, uint flags);
}
