using System.Text;
using Rtn.Safetensors;

namespace Rtn.Tests.Safetensors;

/// <summary>The writer's bytes against files built by hand from the format's description.</summary>
public sealed class SafetensorsPublishedFormatTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public void Write_OneF32Tensor_MatchesHandMadeBytes()
    {
        // The JSON is exactly 64 bytes, so no padding: data starts at 8 + 64.
        const string Header = """{"attn.0":{"dtype":"F32","shape":[1,2,3],"data_offsets":[0,24]}}""";
        var expected = RawSafetensors.Build(Header, RawSafetensors.Floats(0f, 1f, 2f, 3f, 4f, 5f));
        expected.Length.ShouldBe(8 + 64 + 24);
        expected[..8].ShouldBe(new byte[] { 64, 0, 0, 0, 0, 0, 0, 0 });

        var written = WriteFile("one.safetensors", [new TensorDeclaration("attn.0", SafetensorsDType.F32, 1, 2, 3)],
            null, w => w.WriteValues<float>("attn.0", [0f, 1f, 2f, 3f, 4f, 5f]));

        written.ShouldBe(expected);
    }

    [Fact]
    public void Write_HeaderNotMultipleOfEight_IsPaddedWithSpaces()
    {
        // 66 bytes of JSON: six spaces bring it to 72, so the data starts 8-byte aligned at 80.
        const string Json = """{"attn_0":{"dtype":"F32","shape":[1,1,2,3],"data_offsets":[0,24]}}""";
        Json.Length.ShouldBe(66);
        var expected = RawSafetensors.Build(Json + "      ", RawSafetensors.Floats(0f, 1f, 2f, 3f, 4f, 5f));

        var written = WriteFile("padded.safetensors", [new TensorDeclaration("attn_0", SafetensorsDType.F32, 1, 1, 2, 3)],
            null, w => w.WriteValues<float>("attn_0", [0f, 1f, 2f, 3f, 4f, 5f]));

        written.ShouldBe(expected);
    }

    [Fact]
    public void Write_NoTensors_IsEmptyObjectPadded()
    {
        var expected = RawSafetensors.Build("{}      ", []);

        WriteFile("empty.safetensors", [], null, _ => { }).ShouldBe(expected);
    }

    [Fact]
    public void Write_Metadata_ComesFirstWithKeysInOrdinalOrder()
    {
        const string Json = """{"__metadata__":{"format":"pt","b":"2"},"x":{"dtype":"U8","shape":[2],"data_offsets":[0,2]}}""";
        var sorted = Json.Replace("""{"format":"pt","b":"2"}""", """{"b":"2","format":"pt"}""", StringComparison.Ordinal);
        var padding = new string(' ', (8 - sorted.Length % 8) % 8);
        var expected = RawSafetensors.Build(sorted + padding, [7, 9]);

        var written = WriteFile("meta.safetensors", [new TensorDeclaration("x", SafetensorsDType.U8, 2)],
            new Dictionary<string, string> { ["format"] = "pt", ["b"] = "2" }, w => w.Write("x", [7, 9]));

        written.ShouldBe(expected);
    }

    [Fact]
    public void Open_HandMadeFile_ReadsEveryField()
    {
        // Tensors listed out of data order and an F16 after an odd-length U8 (unaligned): both legal.
        const string Header = """
            {"b":{"dtype":"F16","shape":[2],"data_offsets":[3,7]},"__metadata__":{"format":"pt"},"a":{"dtype":"U8","shape":[3],"data_offsets":[0,3]}}
            """;
        byte[] data = [1, 2, 3, 0x00, 0x3C, 0x00, 0xC0];
        var path = _folder["hand.safetensors"];
        File.WriteAllBytes(path, RawSafetensors.Build(Header + "   ", data));

        using var file = SafetensorsFile.Open(path);

        file.Path.ShouldBe(path);
        file.Metadata.ShouldBe(new Dictionary<string, string> { ["format"] = "pt" });
        file.Tensors.Select(t => t.Name).ShouldBe(["a", "b"]);
        var b = file["b"];
        (b.DType, b.DataOffset, b.ByteLength, b.ElementCount).ShouldBe((SafetensorsDType.F16, 3L, 4L, 2L));
        b.Shape.ShouldBe([2L]);
        file.GetBytes(file["a"]).ToArray().ShouldBe(new byte[] { 1, 2, 3 });
        file.GetValues<Half>(b).ToArray().ShouldBe([(Half)1, (Half)(-2)]);
    }

    [Fact]
    public void Open_HeaderWithUnknownTensorFields_IgnoresThem()
    {
        const string Header = """{"a":{"dtype":"I8","shape":[1],"data_offsets":[0,1],"note":"kept by other tools"}}""";
        var path = _folder["extra.safetensors"];
        File.WriteAllBytes(path, RawSafetensors.Build(Header, [0xFF]));

        using var file = SafetensorsFile.Open(path);

        file.GetValues<sbyte>(file["a"]).ToArray().ShouldBe(new sbyte[] { -1 });
    }

    [Fact]
    public void Write_NonAsciiName_StaysUtf8()
    {
        var written = WriteFile("utf8.safetensors", [new TensorDeclaration("poids.é", SafetensorsDType.U8)],
            null, w => w.Write("poids.é", [5]));

        Encoding.UTF8.GetString(written, 8, written.Length - 9).ShouldContain("\"poids.é\"");
    }

    private byte[] WriteFile(string name, TensorDeclaration[] tensors, Dictionary<string, string>? metadata, Action<SafetensorsWriter> write)
    {
        var path = _folder[name];
        using (var writer = SafetensorsWriter.Create(path, tensors, metadata))
        {
            write(writer);
            writer.Commit();
        }

        return File.ReadAllBytes(path);
    }
}
