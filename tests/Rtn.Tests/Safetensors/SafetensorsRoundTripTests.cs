using Rtn.Safetensors;

namespace Rtn.Tests.Safetensors;

/// <summary>Files written by <see cref="SafetensorsWriter"/> read back unchanged by <see cref="SafetensorsFile"/>.</summary>
public sealed class SafetensorsRoundTripTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    public static TheoryData<SafetensorsDType> AllDTypes() => [.. Enum.GetValues<SafetensorsDType>()];

    [Theory]
    [MemberData(nameof(AllDTypes))]
    public void RoundTrip_EveryDType_KeepsBytesShapeAndDType(SafetensorsDType dtype)
    {
        // Eight elements fill whole bytes for every dtype, F4 and FP6 included: 8 · bits / 8 bytes.
        long[] shape = [2, 4];
        var bytes = Enumerable.Range(0, dtype.BitSize()).Select(i => (byte)(i * 37 + 11)).ToArray();
        var path = Write("all.safetensors", [new TensorDeclaration("t", dtype, shape)], w => w.Write("t", bytes));

        using var file = SafetensorsFile.Open(path);

        var tensor = file["t"];
        tensor.DType.ShouldBe(dtype);
        tensor.Shape.ShouldBe(shape);
        tensor.ElementCount.ShouldBe(8);
        tensor.ByteLength.ShouldBe(bytes.Length);
        file.GetBytes(tensor).ToArray().ShouldBe(bytes);
    }

    [Fact]
    public void RoundTrip_Metadata_IsKept()
    {
        var metadata = new Dictionary<string, string> { ["format"] = "pt", ["quant_method"] = "rtn", ["empty"] = "", ["ünï"] = "\"quoted\"\n" };
        var path = Write("meta.safetensors", [], _ => { }, metadata);

        using var file = SafetensorsFile.Open(path);

        file.Metadata.ShouldBe(metadata, ignoreOrder: true);
        file.Tensors.ShouldBeEmpty();
    }

    [Fact]
    public void RoundTrip_NoMetadata_GivesEmptyMetadata()
    {
        var path = Write("none.safetensors", [new TensorDeclaration("x", SafetensorsDType.U8, 1)], w => w.Write("x", [1]));

        using var file = SafetensorsFile.Open(path);

        file.Metadata.ShouldBeEmpty();
    }

    [Fact]
    public void RoundTrip_EmptyTensors_HaveNoBytesAndKeepTheirShapes()
    {
        TensorDeclaration[] tensors =
        [
            new("before", SafetensorsDType.F32, 0),
            new("data", SafetensorsDType.U8, 3),
            new("middle", SafetensorsDType.BF16, 4, 0, 2),
            new("after", SafetensorsDType.I64, 0, 0),
        ];
        var path = Write("empty.safetensors", tensors, w =>
        {
            w.Write("before", []);
            w.Write("data", [1, 2, 3]);
            w.WriteChunk("middle", []);
            w.Write("after", []);
        });

        using var file = SafetensorsFile.Open(path);

        file.Tensors.Select(t => t.Name).ShouldBe(["before", "data", "middle", "after"]);
        file["middle"].Shape.ShouldBe([4L, 0L, 2L]);
        file["middle"].ElementCount.ShouldBe(0);
        file.GetBytes(file["middle"]).Length.ShouldBe(0);
        file.GetValues<float>(file["before"]).Length.ShouldBe(0);
        file.GetBytes(file["data"]).ToArray().ShouldBe(new byte[] { 1, 2, 3 });
    }

    [Fact]
    public void RoundTrip_Scalar_HasEmptyShapeAndOneElement()
    {
        var path = Write("scalar.safetensors", [new TensorDeclaration("pi", SafetensorsDType.F64)], w => w.WriteValues<double>("pi", [Math.PI]));

        using var file = SafetensorsFile.Open(path);

        var pi = file["pi"];
        pi.Shape.ShouldBeEmpty();
        pi.ElementCount.ShouldBe(1);
        pi.ToString().ShouldBe("pi F64 []");
        file.GetValues<double>(pi).ToArray().ShouldBe([Math.PI]);
    }

    [Fact]
    public void RoundTrip_TypedValues_ReadBackAsTheirTypes()
    {
        float[] f32 = [1.5f, -2f, float.MaxValue];
        Half[] f16 = [(Half)0.5, Half.NegativeInfinity];
        BFloat16[] bf16 = [(BFloat16)3f, BFloat16.NaN];
        sbyte[] i8 = [-128, 0, 127];
        byte[] u8 = [0, 255];
        TensorDeclaration[] tensors =
        [
            new("f32", SafetensorsDType.F32, 3),
            new("f16", SafetensorsDType.F16, 2),
            new("bf16", SafetensorsDType.BF16, 1, 2),
            new("i8", SafetensorsDType.I8, 3),
            new("u8", SafetensorsDType.U8, 2),
        ];
        var path = Write("typed.safetensors", tensors, w =>
        {
            w.WriteValues<float>("f32", f32);
            w.WriteValues<Half>("f16", f16);
            w.WriteValues<BFloat16>("bf16", bf16);
            w.WriteValues<sbyte>("i8", i8);
            w.WriteValues<byte>("u8", u8);
        });

        using var file = SafetensorsFile.Open(path);

        file.GetValues<float>(file["f32"]).ToArray().ShouldBe(f32);
        file.GetValues<Half>(file["f16"]).ToArray().ShouldBe(f16);
        file.GetValues<BFloat16>(file["bf16"]).ToArray().Select(v => v.RawValue).ShouldBe(bf16.Select(v => v.RawValue));
        file.GetValues<sbyte>(file["i8"]).ToArray().ShouldBe(i8);
        file.GetValues<byte>(file["u8"]).ToArray().ShouldBe(u8);
    }

    [Fact]
    public void GetValues_TypeOfOtherWidth_FailsNamingTensorAndTypes()
    {
        var path = Write("f32.safetensors", [new TensorDeclaration("w", SafetensorsDType.F32, 2)], w => w.WriteValues<float>("w", [1f, 2f]));
        using var file = SafetensorsFile.Open(path);

        var error = Should.Throw<ArgumentException>(() => file.GetValues<Half>(file["w"]));

        error.Message.ShouldContain("tensor 'w' holds F32 (32-bit elements), which cannot be read as Half (16 bits)");
    }

    [Fact]
    public void GetValues_SubByteDType_Fails()
    {
        var path = Write("f4.safetensors", [new TensorDeclaration("w", SafetensorsDType.F4, 4)], w => w.Write("w", [0x12, 0x34]));
        using var file = SafetensorsFile.Open(path);

        Should.Throw<ArgumentException>(() => file.GetValues<byte>(file["w"])).Message.ShouldContain("F4 (4-bit elements)");
        file.GetBytes(file["w"]).ToArray().ShouldBe(new byte[] { 0x12, 0x34 });
    }

    [Fact]
    public void OpenRead_StreamsTheTensorsBytes()
    {
        var bytes = Enumerable.Range(0, 3000).Select(i => (byte)(i % 251)).ToArray();
        var path = Write("stream.safetensors", [new TensorDeclaration("head", SafetensorsDType.U8, 5), new TensorDeclaration("big", SafetensorsDType.I16, 1500)], w =>
        {
            w.Write("head", [9, 9, 9, 9, 9]);
            w.Write("big", bytes);
        });
        using var file = SafetensorsFile.Open(path);

        using var stream = file.OpenRead(file["big"]);
        using var copy = new MemoryStream();
        stream.CopyTo(copy);

        stream.CanWrite.ShouldBeFalse();
        copy.ToArray().ShouldBe(bytes);
    }

    [Fact]
    public void GetBytes_TensorAboveTwoGigabytes_PointsToOpenRead_WhichReadsIt()
    {
        // A sparse file: the 2 GiB of zeros take no disk space on the usual file systems.
        const long Size = (long)int.MaxValue + 9;
        var path = _folder["huge.safetensors"];
        using (var stream = File.Create(path))
        {
            stream.Write(RawSafetensors.Build($$$"""{"big":{"dtype":"U8","shape":[{{{Size}}}],"data_offsets":[0,{{{Size}}}]}}""", []));
            stream.SetLength(stream.Length + Size);
            stream.Seek(-1, SeekOrigin.End);
            stream.WriteByte(77);
        }

        using var file = SafetensorsFile.Open(path);
        var big = file["big"];

        Should.Throw<InvalidOperationException>(() => file.GetBytes(big)).Message.ShouldContain($"tensor 'big' is {Size} bytes, more than a span can hold; read it with OpenRead");
        using var tensor = file.OpenRead(big);
        tensor.Length.ShouldBe(Size);
        tensor.Seek(-1, SeekOrigin.End);
        tensor.ReadByte().ShouldBe(77);
    }

    [Fact]
    public void Copy_FromOneFileToAnother_ThroughStreamsAndChunks()
    {
        var source = Write("source.safetensors", [new TensorDeclaration("a", SafetensorsDType.F32, 3, 5), new TensorDeclaration("b", SafetensorsDType.U16, 7)], w =>
        {
            w.Write("a", Enumerable.Range(0, 60).Select(i => (byte)i).ToArray());
            w.Write("b", Enumerable.Range(100, 14).Select(i => (byte)i).ToArray());
        });
        using var input = SafetensorsFile.Open(source);
        var target = _folder["target.safetensors"];

        using (var writer = SafetensorsWriter.Create(target, input.Tensors.Select(TensorDeclaration.From), input.Metadata))
        {
            using (var a = input.OpenRead(input["a"]))
            {
                writer.Write("a", a);
            }

            var b = input.GetBytes(input["b"]);
            writer.WriteChunk("b", b[..5]);
            writer.WriteChunk("b", b[5..]);
            writer.Commit();
        }

        File.ReadAllBytes(target).ShouldBe(File.ReadAllBytes(source));
    }

    [Fact]
    public void Tensors_AreInDataOrder_AndFoundByName()
    {
        var path = Write("order.safetensors", [new TensorDeclaration("z", SafetensorsDType.U8, 1), new TensorDeclaration("a", SafetensorsDType.U8, 2)], w =>
        {
            w.Write("z", [1]);
            w.Write("a", [2, 3]);
        });

        using var file = SafetensorsFile.Open(path);

        file.Tensors.Select(t => (t.Name, t.DataOffset)).ShouldBe([("z", 0L), ("a", 1L)]);
        file.TryGetTensor("a", out var a).ShouldBeTrue();
        a!.ShouldBeSameAs(file.Tensors[1]);
        file.TryGetTensor("missing", out _).ShouldBeFalse();
        Should.Throw<KeyNotFoundException>(() => file["missing"]).Message.ShouldBe($"{path} has no tensor 'missing'.");
    }

    [Fact]
    public void GetBytes_TensorOfAnotherFile_Fails()
    {
        var one = Write("one.safetensors", [new TensorDeclaration("x", SafetensorsDType.U8, 1)], w => w.Write("x", [1]));
        var two = Write("two.safetensors", [new TensorDeclaration("x", SafetensorsDType.U8, 1)], w => w.Write("x", [2]));
        using var first = SafetensorsFile.Open(one);
        using var second = SafetensorsFile.Open(two);

        Should.Throw<ArgumentException>(() => first.GetBytes(second["x"])).Message.ShouldContain($"Tensor 'x' was not read from {one}");
    }

    [Fact]
    public void Dispose_ThenRead_FailsInsteadOfTouchingUnmappedMemory()
    {
        var path = Write("closed.safetensors", [new TensorDeclaration("x", SafetensorsDType.U8, 4)], w => w.Write("x", [1, 2, 3, 4]));
        var file = SafetensorsFile.Open(path);
        var tensor = file["x"];
        var stream = file.OpenRead(tensor);

        file.Dispose();
        file.Dispose();

        Should.Throw<ObjectDisposedException>(() => file.GetBytes(tensor));
        Should.Throw<ObjectDisposedException>(() => stream.ReadByte());
    }

    [Fact]
    public void Open_DoesNotChangeTheFile()
    {
        var path = Write("same.safetensors", [new TensorDeclaration("x", SafetensorsDType.F32, 2)], w => w.WriteValues<float>("x", [1f, 2f]));
        var before = File.ReadAllBytes(path);
        var written = File.GetLastWriteTimeUtc(path);

        using (var file = SafetensorsFile.Open(path))
        {
            file.GetValues<float>(file["x"]).ToArray().ShouldBe([1f, 2f]);
        }

        File.ReadAllBytes(path).ShouldBe(before);
        File.GetLastWriteTimeUtc(path).ShouldBe(written);
    }

    private string Write(string name, TensorDeclaration[] tensors, Action<SafetensorsWriter> write, Dictionary<string, string>? metadata = null)
    {
        var path = _folder[name];
        using var writer = SafetensorsWriter.Create(path, tensors, metadata);
        write(writer);
        writer.Commit();
        return path;
    }
}
