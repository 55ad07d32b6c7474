using System.Diagnostics.CodeAnalysis;
using System.IO.MemoryMappedFiles;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;
using static System.FormattableString;

namespace Rtn.Safetensors;

/// <summary>
/// A safetensors file, memory-mapped read-only and fully checked on <see cref="Open"/>:
/// tensor bytes are read straight from the mapping, or with positional reads into a caller's
/// buffer (<see cref="ReadBytes"/>), only when asked for; the file is never written.
/// </summary>
/// <remarks>
/// Spans from <see cref="GetBytes(TensorInfo)"/> and <see cref="GetValues{T}"/> point into the mapping
/// and must not be used after <see cref="Dispose"/>; streams from <see cref="OpenRead"/>
/// throw <see cref="ObjectDisposedException"/> instead.
/// </remarks>
public sealed unsafe class SafetensorsFile : IDisposable
{
    // Big enough that a piece's read costs far more than handing it to another thread.
    private const int ReadPieceBytes = 4 << 20;

    private readonly FileStream _stream;
    private readonly MemoryMappedFile _mapping;
    private readonly MemoryMappedViewAccessor _view;
    private readonly byte* _data;
    private readonly long _dataOffsetInView;
    private readonly long _dataOffsetInFile;
    private readonly Dictionary<string, TensorInfo> _byName;
    private bool _disposed;

    private SafetensorsFile(string path, FileStream stream, MemoryMappedFile mapping, MemoryMappedViewAccessor view, byte* data, long dataOffsetInView, long dataOffsetInFile, SafetensorsHeader header)
    {
        (Path, _stream, _mapping, _view, _dataOffsetInView, _dataOffsetInFile) = (path, stream, mapping, view, dataOffsetInView, dataOffsetInFile);
        _data = data;
        Metadata = header.Metadata;
        Tensors = header.Tensors;
        _byName = header.Tensors.ToDictionary(t => t.Name, StringComparer.Ordinal);
    }

    /// <summary>The path the file was opened with.</summary>
    public string Path { get; }

    /// <summary>The header's <c>__metadata__</c> entries (empty when it has none).</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; }

    /// <summary>All tensors, in the order their bytes appear in the file.</summary>
    public IReadOnlyList<TensorInfo> Tensors { get; }

    /// <summary>The tensor called <paramref name="name"/>; a <see cref="KeyNotFoundException"/> naming the file if there is none.</summary>
    public TensorInfo this[string name] =>
        TryGetTensor(name, out var tensor) ? tensor : throw new KeyNotFoundException($"{Path} has no tensor '{name}'.");

    /// <summary>
    /// Maps the file at <paramref name="path"/> and checks its header and layout. A malformed
    /// file gives one <see cref="SafetensorsFormatException"/> saying what is wrong.
    /// </summary>
    public static SafetensorsFile Open(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        MemoryMappedFile? mapping = null;
        MemoryMappedViewAccessor? view = null;
        var pointerAcquired = false;
        var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 0, FileOptions.RandomAccess);
        try
        {
            var fileLength = stream.Length;
            SafetensorsHeader.CheckFileLength(path, fileLength);

            // The whole file is mapped and nothing is read yet: pages load when a tensor is used.
            mapping = MemoryMappedFile.CreateFromFile(stream, mapName: null, capacity: 0, MemoryMappedFileAccess.Read, HandleInheritability.None, leaveOpen: true);
            view = mapping.CreateViewAccessor(0, 0, MemoryMappedFileAccess.Read);
            byte* start = null;
            view.SafeMemoryMappedViewHandle.AcquirePointer(ref start);
            pointerAcquired = true;
            start += view.PointerOffset;

            var headerLength = SafetensorsHeader.ReadLength(path, new ReadOnlySpan<byte>(start, SafetensorsHeader.LengthPrefixSize), fileLength);
            var json = new ReadOnlySpan<byte>(start + SafetensorsHeader.LengthPrefixSize, (int)headerLength).ToArray();
            var dataStart = SafetensorsHeader.LengthPrefixSize + headerLength;
            var header = SafetensorsHeader.Parse(path, json, fileLength - dataStart);
            return new SafetensorsFile(path, stream, mapping, view, start + dataStart, view.PointerOffset + dataStart, dataStart, header);
        }
        catch
        {
            if (pointerAcquired)
            {
                view!.SafeMemoryMappedViewHandle.ReleasePointer();
            }

            view?.Dispose();
            mapping?.Dispose();
            stream.Dispose();
            throw;
        }
    }

    /// <summary>Finds the tensor called <paramref name="name"/>.</summary>
    public bool TryGetTensor(string name, [MaybeNullWhen(false)] out TensorInfo tensor)
    {
        ArgumentNullException.ThrowIfNull(name);
        return _byName.TryGetValue(name, out tensor);
    }

    /// <summary>
    /// The tensor's bytes as they lie in the file (little-endian, row-major): a view of the
    /// mapping, not a copy. A tensor above 2 GiB does not fit a span; read it with <see cref="OpenRead"/>.
    /// </summary>
    public ReadOnlySpan<byte> GetBytes(TensorInfo tensor)
    {
        CheckOwned(tensor);
        if (tensor.ByteLength > int.MaxValue)
        {
            throw new InvalidOperationException(
                Invariant($"{Path}: tensor '{tensor.Name}' is {tensor.ByteLength} bytes, more than a span can hold; read it with {nameof(OpenRead)}."));
        }

        return new ReadOnlySpan<byte>(_data + tensor.DataOffset, (int)tensor.ByteLength);
    }

    /// <summary>
    /// Bytes <c>[offset, offset + length)</c> of the tensor, a view of the mapping: how a tensor
    /// of any size is read in slices.
    /// </summary>
    public ReadOnlySpan<byte> GetBytes(TensorInfo tensor, long offset, int length)
    {
        CheckRange(tensor, offset, length);
        return new ReadOnlySpan<byte>(_data + tensor.DataOffset + offset, length);
    }

    /// <summary>
    /// Copies bytes <c>[offset, offset + destination.Length)</c> of the tensor into
    /// <paramref name="destination"/> with positional reads of the file, in parallel pieces on
    /// up to <paramref name="threads"/> threads. Reading into a buffer that is reused costs one
    /// copy per byte and no page faults, where a first touch of the mapping faults page by page.
    /// </summary>
    public void ReadBytes(TensorInfo tensor, long offset, Memory<byte> destination, int threads = 1)
    {
        CheckRange(tensor, offset, destination.Length);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(threads);
        var start = _dataOffsetInFile + tensor.DataOffset + offset;
        var pieces = (int)Math.Clamp(destination.Length / ReadPieceBytes, 1, threads);
        if (pieces == 1)
        {
            ReadFully(destination.Span, start);
            return;
        }

        Parallel.For(0, pieces, new ParallelOptions { MaxDegreeOfParallelism = pieces }, piece =>
        {
            var (from, to) = ((long)destination.Length * piece / pieces, (long)destination.Length * (piece + 1) / pieces);
            ReadFully(destination.Span[(int)from..(int)to], start + from);
        });
    }

    /// <summary>
    /// The tensor's elements as <typeparamref name="T"/> (e.g. <see cref="float"/> for F32,
    /// <see cref="Half"/> for F16, <see cref="BFloat16"/> for BF16, <see cref="sbyte"/> for I8),
    /// a view of the mapping. <typeparamref name="T"/> must be as wide as one element. The
    /// elements need not be aligned to their size (the format does not promise it), which the
    /// 64-bit platforms .NET runs on read without penalty.
    /// </summary>
    public ReadOnlySpan<T> GetValues<T>(TensorInfo tensor)
        where T : unmanaged
    {
        CheckOwned(tensor);
        if (!BitConverter.IsLittleEndian)
        {
            throw new PlatformNotSupportedException("Safetensors values are little-endian; typed views need a little-endian machine.");
        }

        if (Unsafe.SizeOf<T>() * 8 != tensor.DType.BitSize())
        {
            throw new ArgumentException(
                Invariant($"{Path}: tensor '{tensor.Name}' holds {tensor.DType.HeaderName()} ({tensor.DType.BitSize()}-bit elements), which cannot be read as {typeof(T).Name} ({Unsafe.SizeOf<T>() * 8} bits)."),
                nameof(tensor));
        }

        return MemoryMarshal.Cast<byte, T>(GetBytes(tensor));
    }

    /// <summary>
    /// A read-only stream over the tensor's bytes, for copying tensors of any size without
    /// holding them in memory; it reads from the mapping.
    /// </summary>
    public Stream OpenRead(TensorInfo tensor)
    {
        CheckOwned(tensor);

        // The stream holds the mapping's handle rather than a raw pointer, so reading after
        // the file is disposed throws instead of touching unmapped memory.
        return new UnmanagedMemoryStream(_view.SafeMemoryMappedViewHandle, _dataOffsetInView + tensor.DataOffset, tensor.ByteLength, FileAccess.Read);
    }

    /// <summary>Unmaps the file. Spans obtained from it must no longer be used.</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        _view.SafeMemoryMappedViewHandle.ReleasePointer();
        _view.Dispose();
        _mapping.Dispose();
        _stream.Dispose();
    }

    /// <summary>The path and tensor count.</summary>
    public override string ToString() => Invariant($"{Path} ({Tensors.Count} tensors)");

    private void ReadFully(Span<byte> destination, long fileOffset)
    {
        while (!destination.IsEmpty)
        {
            var read = RandomAccess.Read(_stream.SafeFileHandle, destination, fileOffset);
            if (read == 0)
            {
                throw new EndOfStreamException(Invariant($"{Path} ended at byte {fileOffset}, inside tensor data: was it truncated while open?"));
            }

            destination = destination[read..];
            fileOffset += read;
        }
    }

    /// <summary>The open file and where bytes <c>[offset, offset + length)</c> of the tensor lie in it, for copying them file to file.</summary>
    internal (SafeFileHandle File, long Offset) Locate(TensorInfo tensor, long offset, long length)
    {
        CheckRange(tensor, offset, length);
        return (_stream.SafeFileHandle, _dataOffsetInFile + tensor.DataOffset + offset);
    }

    private void CheckRange(TensorInfo tensor, long offset, long length)
    {
        CheckOwned(tensor);
        if (offset < 0 || length < 0 || offset > tensor.ByteLength - length)
        {
            throw new ArgumentOutOfRangeException(
                nameof(offset), Invariant($"{Path}: bytes [{offset}, {offset + length}) are not inside tensor '{tensor.Name}' ({tensor.ByteLength} bytes)."));
        }
    }

    private void CheckOwned(TensorInfo tensor)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        ObjectDisposedException.ThrowIf(_disposed, this);

        // Offsets are only meaningful in the file they came from.
        if (!_byName.TryGetValue(tensor.Name, out var own) || !ReferenceEquals(own, tensor))
        {
            throw new ArgumentException($"Tensor '{tensor.Name}' was not read from {Path}.", nameof(tensor));
        }
    }
}
