using Rtn.Safetensors;

namespace Rtn.Tests.Safetensors;

/// <summary>The writer's checks, and that a failed or abandoned write leaves no file behind.</summary>
public sealed class SafetensorsWriterTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    private static TensorDeclaration[] TwoTensors =>
        [new("a.weight", SafetensorsDType.F32, 2, 2), new("b.bias", SafetensorsDType.U8, 3)];

    [Fact]
    public void Write_WrongByteCount_FailsNamingFileAndTensor_AndLeavesNothing()
    {
        var path = _folder["out.safetensors"];
        using (var writer = SafetensorsWriter.Create(path, TwoTensors))
        {
            var error = Should.Throw<ArgumentException>(() => writer.Write("a.weight", new byte[12]));

            error.Message.ShouldStartWith($"{path}: tensor 'a.weight' (F32 [2, 2]) takes 16 more bytes, but 12 were given.");
            Should.Throw<InvalidOperationException>(() => writer.Write("a.weight", new byte[16])).Message.ShouldContain("an earlier call failed");
            Should.Throw<InvalidOperationException>(writer.Commit);
        }

        _folder.Entries().ShouldBeEmpty();
    }

    [Fact]
    public void WriteChunk_PastTheTensorsEnd_Fails()
    {
        var path = _folder["out.safetensors"];
        using (var writer = SafetensorsWriter.Create(path, TwoTensors))
        {
            writer.WriteChunk("a.weight", new byte[10]);

            Should.Throw<ArgumentException>(() => writer.WriteChunk("a.weight", new byte[7]))
                .Message.ShouldContain("tensor 'a.weight' (F32 [2, 2]) takes 6 more bytes, but 7 were given");
        }

        _folder.Entries().ShouldBeEmpty();
    }

    [Fact]
    public void Write_OutOfDeclarationOrder_FailsNamingTheExpectedTensor()
    {
        using var writer = SafetensorsWriter.Create(_folder["out.safetensors"], TwoTensors);

        Should.Throw<InvalidOperationException>(() => writer.Write("b.bias", new byte[3]))
            .Message.ShouldContain("the next one is 'a.weight', not 'b.bias'");
    }

    [Fact]
    public void Write_WholeTensorAfterPartOfIt_Fails()
    {
        using var writer = SafetensorsWriter.Create(_folder["out.safetensors"], TwoTensors);
        writer.WriteChunk("a.weight", new byte[4]);

        Should.Throw<InvalidOperationException>(() => writer.Write("a.weight", new byte[16]))
            .Message.ShouldContain("tensor 'a.weight' is already partly written (4 bytes)");
    }

    [Fact]
    public void Write_AfterAllTensors_Fails()
    {
        using var writer = SafetensorsWriter.Create(_folder["out.safetensors"], [new TensorDeclaration("x", SafetensorsDType.U8, 1)]);
        writer.Write("x", [1]);

        writer.NextTensor.ShouldBeNull();
        Should.Throw<InvalidOperationException>(() => writer.WriteChunk("x", [2])).Message.ShouldContain("every declared tensor is written");
    }

    [Fact]
    public void WriteValues_TypeOfOtherWidth_Fails()
    {
        using var writer = SafetensorsWriter.Create(_folder["out.safetensors"], TwoTensors);

        Should.Throw<ArgumentException>(() => writer.WriteValues<double>("a.weight", [1, 2]))
            .Message.ShouldContain("tensor 'a.weight' holds F32 (32-bit elements), which cannot be written from Double (64 bits)");
    }

    [Fact]
    public void Commit_WithTensorsMissing_FailsNamingTheFirst_AndLeavesNothing()
    {
        var path = _folder["out.safetensors"];
        using (var writer = SafetensorsWriter.Create(path, TwoTensors))
        {
            writer.WriteChunk("a.weight", new byte[8]);

            Should.Throw<InvalidOperationException>(writer.Commit)
                .Message.ShouldBe($"{path}: tensor 'a.weight' got 8 of its 16 bytes, and the 1 declared after it none.");
        }

        _folder.Entries().ShouldBeEmpty();
    }

    [Fact]
    public void Write_StreamEndingEarly_FailsAndLeavesNothing()
    {
        var path = _folder["out.safetensors"];
        using (var writer = SafetensorsWriter.Create(path, TwoTensors))
        {
            Should.Throw<EndOfStreamException>(() => writer.Write("a.weight", new MemoryStream(new byte[10])))
                .Message.ShouldBe($"{path}: the stream for tensor 'a.weight' ended after 10 of its 16 bytes.");
        }

        _folder.Entries().ShouldBeEmpty();
    }

    [Fact]
    public void Write_SourceThrowingMidway_LeavesNoOutputAndNoTemporary()
    {
        var path = _folder["out.safetensors"];

        Should.Throw<IOException>(() =>
        {
            using var writer = SafetensorsWriter.Create(path, TwoTensors);
            writer.Write("a.weight", new FailingStream(failAfter: 8));
        }).Message.ShouldBe("disk gone");

        _folder.Entries().ShouldBeEmpty();
    }

    [Fact]
    public void Dispose_WithoutCommit_LeavesNoOutputAndNoTemporary()
    {
        var path = _folder["out.safetensors"];
        using (var writer = SafetensorsWriter.Create(path, TwoTensors))
        {
            writer.Write("a.weight", new byte[16]);
            writer.Write("b.bias", new byte[3]);
            _folder.Entries().ShouldHaveSingleItem().ShouldStartWith(".out.safetensors.");
        }

        _folder.Entries().ShouldBeEmpty();
    }

    [Fact]
    public void Commit_ReplacesAnExistingFile_OnlyThen()
    {
        var path = _folder["out.safetensors"];
        File.WriteAllText(path, "old");
        using (var writer = SafetensorsWriter.Create(path, [new TensorDeclaration("x", SafetensorsDType.U8, 1)]))
        {
            writer.Write("x", [42]);
            File.ReadAllText(path).ShouldBe("old");
            writer.Commit();
            Should.Throw<ObjectDisposedException>(() => writer.Write("x", [1]));
        }

        using var file = SafetensorsFile.Open(path);
        file.GetBytes(file["x"]).ToArray().ShouldBe(new byte[] { 42 });
        _folder.Entries().ShouldBe(["out.safetensors"]);
    }

    [Fact]
    public void Abandoned_KeepsAnExistingFileUntouched()
    {
        var path = _folder["out.safetensors"];
        File.WriteAllText(path, "old");

        using (var writer = SafetensorsWriter.Create(path, [new TensorDeclaration("x", SafetensorsDType.U8, 1)]))
        {
            writer.Write("x", [42]);
        }

        File.ReadAllText(path).ShouldBe("old");
        _folder.Entries().ShouldBe(["out.safetensors"]);
    }

    [Fact]
    public void Tensors_ListTheLayoutBeforeAnyWrite()
    {
        using var writer = SafetensorsWriter.Create(_folder["out.safetensors"], TwoTensors);

        writer.Tensors.Select(t => (t.Name, t.DataOffset, t.ByteLength)).ShouldBe([("a.weight", 0L, 16L), ("b.bias", 16L, 3L)]);
        writer.NextTensor!.Name.ShouldBe("a.weight");
    }

    [Fact]
    public void Create_DuplicateNames_FailsAndLeavesNothing()
    {
        var path = _folder["out.safetensors"];

        Should.Throw<ArgumentException>(() => SafetensorsWriter.Create(path, [new("x", SafetensorsDType.U8, 1), new("x", SafetensorsDType.U8, 1)]))
            .Message.ShouldStartWith($"{path}: tensor 'x' is declared twice.");
        _folder.Entries().ShouldBeEmpty();
    }

    [Fact]
    public void Create_InMissingFolder_FailsAndLeavesNothing()
    {
        Should.Throw<DirectoryNotFoundException>(() =>
            SafetensorsWriter.Create(Path.Combine(_folder.Path, "absent", "out.safetensors"), TwoTensors));
        _folder.Entries().ShouldBeEmpty();
    }

    [Fact]
    public void Declaration_MetadataKeyAsName_Fails()
    {
        Should.Throw<ArgumentException>(() => new TensorDeclaration("__metadata__", SafetensorsDType.U8, 1))
            .Message.ShouldContain("'__metadata__' is reserved");
    }

    [Theory]
    [InlineData(new long[] { 2, -1 }, "Tensor 't': shape [2, -1] has a negative dimension.")]
    [InlineData(new long[] { 1L << 32, 1L << 32 }, "Tensor 't': shape [4294967296, 4294967296] has more elements than a 64-bit count can hold.")]
    [InlineData(new long[] { 1L << 61 }, "Tensor 't': F32 [2305843009213693952] has more bytes than a 64-bit size can hold.")]
    public void Declaration_BadShape_Fails(long[] shape, string message)
    {
        Should.Throw<ArgumentException>(() => new TensorDeclaration("t", SafetensorsDType.F32, shape)).Message.ShouldStartWith(message);
    }

    [Fact]
    public void Declaration_SubByteNotWholeBytes_Fails()
    {
        Should.Throw<ArgumentException>(() => new TensorDeclaration("t", SafetensorsDType.F6_E2M3, 2))
            .Message.ShouldStartWith("Tensor 't': F6_E2M3 [2] is 12 bits, not a whole number of bytes.");
    }

    private sealed class FailingStream(int failAfter) : Stream
    {
        private int _position;

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => _position; set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count)
        {
            if (_position >= failAfter)
            {
                throw new IOException("disk gone");
            }

            var read = Math.Min(count, failAfter - _position);
            _position += read;
            return read;
        }

        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
