using System.Buffers;
using System.Buffers.Binary;
using System.Collections.Immutable;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using static System.FormattableString;

namespace Rtn.Safetensors;

/// <summary>
/// Writes a safetensors file one tensor at a time, so no more than one tensor (or one chunk
/// of it) needs to be in memory. The tensors are declared up front; the header goes out
/// first, then each tensor's bytes in declaration order. The file is written under a
/// temporary name and appears at its path only on <see cref="Commit"/>; disposing without
/// committing deletes it. After any failed call the writer accepts only <see cref="Dispose"/>.
/// </summary>
/// <remarks>
/// Tensors are laid out in the order declared. The reference writer instead sorts them by
/// descending element size (then name), which puts every tensor at an offset aligned to its
/// element size; declare them in that order to get the same alignment.
/// </remarks>
public sealed class SafetensorsWriter : IDisposable
{
    private const int CopyBufferSize = 1 << 20;

    private readonly AtomicFile _file;
    private readonly ImmutableArray<TensorInfo> _tensors;
    private readonly long _length;
    private int _next;
    private long _writtenOfNext;
    private bool _failed;
    private bool _closed;

    private SafetensorsWriter(AtomicFile file, ImmutableArray<TensorInfo> tensors, long length)
    {
        (_file, _tensors, _length) = (file, tensors, length);
    }

    /// <summary>Where the file appears on <see cref="Commit"/>.</summary>
    public string Path => _file.TargetPath;

    /// <summary>The declared tensors with the offsets they get, in file order.</summary>
    public IReadOnlyList<TensorInfo> Tensors => _tensors;

    /// <summary>The tensor whose bytes are expected next; null once all are written.</summary>
    public TensorInfo? NextTensor => _next < _tensors.Length ? _tensors[_next] : null;

    /// <summary>
    /// Starts the file at <paramref name="path"/> for <paramref name="tensors"/>, which are
    /// laid out in the order given, with optional string <paramref name="metadata"/>
    /// (<c>__metadata__</c>). An existing file at the path is replaced only on <see cref="Commit"/>.
    /// </summary>
    public static SafetensorsWriter Create(string path, IEnumerable<TensorDeclaration> tensors, IReadOnlyDictionary<string, string>? metadata = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(tensors);
        var (header, layout) = SafetensorsHeader.Build(path, [.. tensors], metadata);
        var dataLength = layout.Length == 0 ? 0 : layout[^1].DataOffset + layout[^1].ByteLength;
        var length = SafetensorsHeader.LengthPrefixSize + header.Length + dataLength;

        var file = AtomicFile.Create(path, length);
        try
        {
            Span<byte> prefix = stackalloc byte[SafetensorsHeader.LengthPrefixSize];
            BinaryPrimitives.WriteUInt64LittleEndian(prefix, (ulong)header.Length);
            file.Write(prefix);
            file.Write(header);
            return new SafetensorsWriter(file, layout, length);
        }
        catch
        {
            file.Dispose();
            throw;
        }
    }

    /// <summary>Writes all of the next tensor's bytes; <paramref name="name"/> must be that tensor's.</summary>
    public void Write(string name, ReadOnlySpan<byte> data)
    {
        EnsureWritable();
        try
        {
            Append(Expect(name, whole: true), data, completesTensor: true, nameof(data));
        }
        catch
        {
            _failed = true;
            throw;
        }
    }

    /// <summary>
    /// Writes all of the next tensor's elements, given as <typeparamref name="T"/>, which must be
    /// as wide as one element (e.g. <see cref="float"/> for F32, <see cref="BFloat16"/> for BF16).
    /// </summary>
    public void WriteValues<T>(string name, ReadOnlySpan<T> values)
        where T : unmanaged
    {
        EnsureWritable();
        try
        {
            if (!BitConverter.IsLittleEndian)
            {
                throw new PlatformNotSupportedException("Safetensors values are little-endian; typed writes need a little-endian machine.");
            }

            var tensor = Expect(name, whole: true);
            if (Unsafe.SizeOf<T>() * 8 != tensor.DType.BitSize())
            {
                throw new ArgumentException(
                    Invariant($"{Path}: tensor '{name}' holds {tensor.DType.HeaderName()} ({tensor.DType.BitSize()}-bit elements), which cannot be written from {typeof(T).Name} ({Unsafe.SizeOf<T>() * 8} bits)."),
                    nameof(values));
            }

            Append(tensor, MemoryMarshal.AsBytes(values), completesTensor: true, nameof(values));
        }
        catch
        {
            _failed = true;
            throw;
        }
    }

    /// <summary>
    /// Writes the next part of the next tensor's bytes. The tensor is complete once its byte
    /// count is reached; more bytes than that are an error. An empty tensor is written with
    /// one empty chunk.
    /// </summary>
    public void WriteChunk(string name, ReadOnlySpan<byte> chunk)
    {
        EnsureWritable();
        try
        {
            Append(Expect(name, whole: false), chunk, completesTensor: false, nameof(chunk));
        }
        catch
        {
            _failed = true;
            throw;
        }
    }

    /// <summary>
    /// Writes the next part of the next tensor's bytes from bytes <c>[offset, offset + length)</c>
    /// of <paramref name="tensor"/> in <paramref name="source"/>, copied file to file by the
    /// operating system where it can (as <c>cp</c> does), so they never pass through memory of
    /// this process; more bytes than the tensor takes are an error.
    /// </summary>
    public void CopyChunk(string name, SafetensorsFile source, TensorInfo tensor, long offset, long length)
    {
        ArgumentNullException.ThrowIfNull(source);
        EnsureWritable();
        try
        {
            var next = Expect(name, whole: false);
            if (length > next.ByteLength - _writtenOfNext)
            {
                throw new ArgumentException(
                    Invariant($"{Path}: tensor '{next.Name}' ({TensorSizes.Describe(next.DType, next.Shape.AsSpan())}) takes {next.ByteLength - _writtenOfNext} more bytes, but {length} were given."),
                    nameof(length));
            }

            var (file, at) = source.Locate(tensor, offset, length);
            _file.Append(file, at, length);
            Advance(next, length);
        }
        catch
        {
            _failed = true;
            throw;
        }
    }

    /// <summary>
    /// Copies all of the next tensor's bytes from <paramref name="source"/>, reading exactly its
    /// byte count (for example from <see cref="SafetensorsFile.OpenRead"/>); a stream that ends
    /// sooner is an error.
    /// </summary>
    public void Write(string name, Stream source)
    {
        ArgumentNullException.ThrowIfNull(source);
        EnsureWritable();
        byte[]? buffer = null;
        try
        {
            var tensor = Expect(name, whole: true);
            buffer = ArrayPool<byte>.Shared.Rent((int)Math.Min(tensor.ByteLength, CopyBufferSize));
            var copied = 0L;
            do
            {
                var wanted = (int)Math.Min(buffer.Length, tensor.ByteLength - copied);
                var read = source.Read(buffer, 0, wanted);
                if (read == 0 && wanted > 0)
                {
                    throw new EndOfStreamException(
                        Invariant($"{Path}: the stream for tensor '{name}' ended after {copied} of its {tensor.ByteLength} bytes."));
                }

                Append(tensor, buffer.AsSpan(0, read), completesTensor: false, nameof(source));
                copied += read;
            }
            while (copied < tensor.ByteLength);
        }
        catch
        {
            _failed = true;
            throw;
        }
        finally
        {
            if (buffer is not null)
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
        }
    }

    /// <summary>
    /// Checks that every tensor got all its bytes, flushes the file to the disk and renames it
    /// to <see cref="Path"/>, replacing any file there.
    /// </summary>
    public void Commit()
    {
        EnsureWritable();
        try
        {
            if (NextTensor is { } missing)
            {
                throw new InvalidOperationException(
                    Invariant($"{Path}: tensor '{missing.Name}' got {_writtenOfNext} of its {missing.ByteLength} bytes, and the {_tensors.Length - _next - 1} declared after it none."));
            }

            // Guards the layout arithmetic: the header promised exactly this many bytes.
            if (_file.Length != _length)
            {
                throw new InvalidOperationException(Invariant($"{Path}: {_file.Length} bytes were written but the layout needs {_length}."));
            }

            _file.Commit();
            _closed = true;
        }
        catch
        {
            _failed = true;
            throw;
        }
    }

    /// <summary>Deletes the temporary file unless <see cref="Commit"/> succeeded.</summary>
    public void Dispose()
    {
        _closed = true;
        _file.Dispose();
    }

    /// <summary>The next tensor, checking it is <paramref name="name"/> and, for a whole-tensor write, that none of it is written yet.</summary>
    private TensorInfo Expect(string name, bool whole)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (NextTensor is not { } next)
        {
            throw new InvalidOperationException($"{Path}: every declared tensor is written, but more bytes came for '{name}'.");
        }

        if (next.Name != name)
        {
            throw new InvalidOperationException(
                $"{Path}: tensors are written in declaration order; the next one is '{next.Name}', not '{name}'.");
        }

        if (whole && _writtenOfNext != 0)
        {
            throw new InvalidOperationException(
                Invariant($"{Path}: tensor '{name}' is already partly written ({_writtenOfNext} bytes); continue it with {nameof(WriteChunk)}."));
        }

        return next;
    }

    private void Append(TensorInfo tensor, ReadOnlySpan<byte> bytes, bool completesTensor, string parameter)
    {
        var remaining = tensor.ByteLength - _writtenOfNext;
        if (completesTensor ? bytes.Length != remaining : bytes.Length > remaining)
        {
            throw new ArgumentException(
                Invariant($"{Path}: tensor '{tensor.Name}' ({TensorSizes.Describe(tensor.DType, tensor.Shape.AsSpan())}) takes {remaining} more bytes, but {bytes.Length} were given."),
                parameter);
        }

        _file.Write(bytes);
        Advance(tensor, bytes.Length);
    }

    private void Advance(TensorInfo tensor, long written)
    {
        _writtenOfNext += written;
        if (_writtenOfNext == tensor.ByteLength)
        {
            _next++;
            _writtenOfNext = 0;
        }
    }

    private void EnsureWritable()
    {
        ObjectDisposedException.ThrowIf(_closed, this);
        if (_failed)
        {
            throw new InvalidOperationException($"{Path}: an earlier call failed, so the file cannot be completed; dispose the writer.");
        }
    }
}
