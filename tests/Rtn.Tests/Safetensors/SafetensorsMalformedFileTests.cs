using System.Text;
using Rtn.Safetensors;

namespace Rtn.Tests.Safetensors;

/// <summary>Every malformed file gives one <see cref="SafetensorsFormatException"/> naming the file and the problem.</summary>
public sealed class SafetensorsMalformedFileTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Theory]
    [InlineData(0)]
    [InlineData(7)]
    public void Open_ShorterThanLengthPrefix_Fails(int length)
    {
        ShouldFail(new byte[length], $"the file is {length} bytes, too short for the 8-byte header length");
    }

    [Fact]
    public void Open_HeaderCut_Fails()
    {
        var file = RawSafetensors.Build("""{"a":{"dtype":"U8","shape":[1],"data_offsets":[0,1]}}""", [1]);

        ShouldFail(file[..30], "header length 53 runs past the end of the 30-byte file");
    }

    [Fact]
    public void Open_DataCut_Fails()
    {
        var file = RawSafetensors.Build("""{"a":{"dtype":"F32","shape":[4],"data_offsets":[0,16]}}""", new byte[16]);

        ShouldFail(file[..^4], "tensor 'a' data_offsets [0, 16] reach past the end of the 12-byte data section");
    }

    [Theory]
    [InlineData(1UL << 62)]
    [InlineData(ulong.MaxValue)]
    [InlineData(100_000_001UL)]
    public void Open_HeaderLengthAboveLimit_Fails(ulong declared)
    {
        ShouldFail(RawSafetensors.Build("{}", [], declared), $"header length {declared} is above the 100000000-byte limit");
    }

    [Theory]
    [InlineData("{\n  \"architectures\": [\"LlamaForCausalLM\"]\n}\n", "{\\n  \\\"arc")]
    [InlineData("version: 1\nname: model\n", "version:")]
    public void Open_TextFile_IsNotASafetensorsFile(string text, string start)
    {
        ShouldFail(System.Text.Encoding.ASCII.GetBytes(text), $"not a safetensors file: it starts with text (\"{start}\"), where a safetensors file starts with an 8-byte header length");
    }

    [Fact]
    public void Open_HeaderLengthBeyondFile_Fails()
    {
        ShouldFail(RawSafetensors.Build("{}      ", [], declaredLength: 1000), "header length 1000 runs past the end of the 16-byte file");
    }

    [Theory]
    [InlineData("""{"a":""", "header is not valid JSON")]
    [InlineData("""{"a":{"dtype":"U8","shape":[0],"data_offsets":[0,0]},}""", "header is not valid JSON")]
    [InlineData("""{} {}""", "header is not valid JSON")]
    [InlineData("", "header is not valid JSON")]
    [InlineData("""[1, 2]""", "header is a JSON array, not an object")]
    [InlineData("\"text\"", "header is a JSON string, not an object")]
    [InlineData("""  {}""", "header does not start with '{'")]
    [InlineData("""{"__metadata__":{"a":1}}""", "__metadata__ entry 'a' is a JSON number, not a string")]
    [InlineData("""{"__metadata__":["a"]}""", "__metadata__ is a JSON array, not an object of strings")]
    [InlineData("""{"__metadata__":{"a":"1","a":"2"}}""", "__metadata__ has two entries named 'a'")]
    [InlineData("""{"a":[]}""", "tensor 'a' is described by a JSON array, not an object")]
    [InlineData("""{"a":{"shape":[],"data_offsets":[0,0]}}""", "tensor 'a' has no dtype")]
    [InlineData("""{"a":{"dtype":"U8","data_offsets":[0,0]}}""", "tensor 'a' has no shape")]
    [InlineData("""{"a":{"dtype":"U8","shape":[0]}}""", "tensor 'a' has no data_offsets")]
    [InlineData("""{"a":{"dtype":"F128","shape":[0],"data_offsets":[0,0]}}""", "tensor 'a' has unknown dtype 'F128'")]
    [InlineData("""{"a":{"dtype":"f32","shape":[0],"data_offsets":[0,0]}}""", "tensor 'a' has unknown dtype 'f32'")]
    [InlineData("""{"a":{"dtype":7,"shape":[0],"data_offsets":[0,0]}}""", "tensor 'a' dtype 7 is not a string")]
    [InlineData("""{"a":{"dtype":"\ud800","shape":[0],"data_offsets":[0,0]}}""", "tensor 'a' dtype is not valid text")]
    [InlineData("""{"a":{"dtype":"U8","dtype":"U8","shape":[0],"data_offsets":[0,0]}}""", "tensor 'a' gives dtype twice")]
    [InlineData("""{"a":{"dtype":"U8","shape":[-1],"data_offsets":[0,0]}}""", "tensor 'a' shape [-1] is not a list of non-negative integers")]
    [InlineData("""{"a":{"dtype":"U8","shape":[1.5],"data_offsets":[0,0]}}""", "tensor 'a' shape [1.5] is not a list of non-negative integers")]
    [InlineData("""{"a":{"dtype":"U8","shape":[1e2],"data_offsets":[0,0]}}""", "tensor 'a' shape [1e2] is not a list of non-negative integers")]
    [InlineData("""{"a":{"dtype":"U8","shape":["2"],"data_offsets":[0,0]}}""", "tensor 'a' shape [\"2\"] is not a list of non-negative integers")]
    [InlineData("""{"a":{"dtype":"U8","shape":2,"data_offsets":[0,0]}}""", "tensor 'a' shape 2 is not a list of non-negative integers")]
    [InlineData("""{"a":{"dtype":"U8","shape":[0],"data_offsets":[-1,0]}}""", "tensor 'a' data_offsets [-1,0] is not 2 non-negative integers")]
    [InlineData("""{"a":{"dtype":"U8","shape":[0],"data_offsets":[0]}}""", "tensor 'a' data_offsets [0] is not 2 non-negative integers")]
    [InlineData("""{"a":{"dtype":"U8","shape":[0],"data_offsets":[0,0,0]}}""", "tensor 'a' data_offsets [0,0,0] is not 2 non-negative integers")]
    [InlineData("""{"a":{"dtype":"U8","shape":[0],"data_offsets":[0,18446744073709551616]}}""", "tensor 'a' data_offsets [0,18446744073709551616] is not 2 non-negative integers")]
    [InlineData("""{"a":{"dtype":"U8","shape":[0],"data_offsets":{"begin":0}}}""", "tensor 'a' data_offsets {\"begin\":0} is not 2 non-negative integers")]
    [InlineData("""{"a":{"dtype":"U8","shape":[0],"data_offsets":[0,0]},"a":{"dtype":"U8","shape":[0],"data_offsets":[0,0]}}""", "header has two entries named 'a'")]
    [InlineData("""{"__metadata__":{},"__metadata__":{}}""", "header has two entries named '__metadata__'")]
    public void Open_BadHeader_Fails(string header, string problem)
    {
        ShouldFail(RawSafetensors.Build(header, []), problem);
    }

    [Fact]
    public void Open_HeaderNotUtf8_Fails()
    {
        var header = Encoding.UTF8.GetBytes("""{"a":{"dtype":"U8","shape":[0],"data_offsets":[0,0]}}""");
        header[2] = 0xFF;

        ShouldFail(RawSafetensors.Build(header, []), "header is not valid UTF-8");
    }

    [Fact]
    public void Open_OffsetsReversed_Fails()
    {
        ShouldFail(RawSafetensors.Build("""{"a":{"dtype":"U8","shape":[0],"data_offsets":[8,0]}}""", new byte[8]),
            "tensor 'a' data_offsets [8, 0] end before they begin");
    }

    [Fact]
    public void Open_OffsetsOutsideData_Fails()
    {
        ShouldFail(RawSafetensors.Build("""{"a":{"dtype":"U8","shape":[4],"data_offsets":[100,104]}}""", new byte[4]),
            "tensor 'a' data_offsets [100, 104] reach past the end of the 4-byte data section");
    }

    [Fact]
    public void Open_BytesDisagreeWithShape_Fails()
    {
        ShouldFail(RawSafetensors.Build("""{"a.weight":{"dtype":"F32","shape":[2,2],"data_offsets":[0,12]}}""", new byte[12]),
            "tensor 'a.weight' data_offsets [0, 12] hold 12 bytes but F32 [2, 2] needs 16");
    }

    [Fact]
    public void Open_ElementCountOverflows_Fails()
    {
        ShouldFail(RawSafetensors.Build("""{"a":{"dtype":"U8","shape":[4294967296,4294967296],"data_offsets":[0,0]}}""", []),
            "tensor 'a': shape [4294967296, 4294967296] has more elements than a 64-bit count can hold");
    }

    [Fact]
    public void Open_ByteCountOverflows_Fails()
    {
        ShouldFail(RawSafetensors.Build("""{"a":{"dtype":"F64","shape":[2305843009213693952],"data_offsets":[0,0]}}""", []),
            "tensor 'a': F64 [2305843009213693952] has more bytes than a 64-bit size can hold");
    }

    [Fact]
    public void Open_ZeroDimensionBesideHugeOnes_IsEmptyNotOverflow()
    {
        var path = _folder["zero.safetensors"];
        File.WriteAllBytes(path, RawSafetensors.Build("""{"a":{"dtype":"F64","shape":[4294967296,4294967296,0],"data_offsets":[0,0]}}""", []));

        using var file = SafetensorsFile.Open(path);

        file["a"].ElementCount.ShouldBe(0);
    }

    [Fact]
    public void Open_SubByteTensorNotWholeBytes_Fails()
    {
        ShouldFail(RawSafetensors.Build("""{"a":{"dtype":"F4","shape":[3],"data_offsets":[0,1]}}""", new byte[1]),
            "tensor 'a': F4 [3] is 12 bits, not a whole number of bytes");
    }

    [Fact]
    public void Open_OverlappingTensors_Fails()
    {
        const string Header = """{"a":{"dtype":"F32","shape":[4],"data_offsets":[0,16]},"b":{"dtype":"F32","shape":[4],"data_offsets":[8,24]}}""";

        ShouldFail(RawSafetensors.Build(Header, new byte[24]),
            "tensor 'b' data_offsets [8, 24] overlap tensor 'a' data_offsets [0, 16]");
    }

    [Fact]
    public void Open_SameOffsetsTwice_Fails()
    {
        const string Header = """{"a":{"dtype":"U8","shape":[4],"data_offsets":[0,4]},"b":{"dtype":"I8","shape":[4],"data_offsets":[0,4]}}""";

        ShouldFail(RawSafetensors.Build(Header, new byte[4]), "tensor 'b' data_offsets [0, 4] overlap tensor 'a' data_offsets [0, 4]");
    }

    [Fact]
    public void Open_GapBetweenTensors_Fails()
    {
        const string Header = """{"a":{"dtype":"U8","shape":[8],"data_offsets":[0,8]},"b":{"dtype":"U8","shape":[8],"data_offsets":[16,24]}}""";

        ShouldFail(RawSafetensors.Build(Header, new byte[24]), "data bytes [8, 16) belong to no tensor");
    }

    [Fact]
    public void Open_GapBeforeFirstTensor_Fails()
    {
        ShouldFail(RawSafetensors.Build("""{"a":{"dtype":"U8","shape":[4],"data_offsets":[4,8]}}""", new byte[8]),
            "data bytes [0, 4) belong to no tensor");
    }

    [Fact]
    public void Open_TrailingBytesAfterLastTensor_Fails()
    {
        ShouldFail(RawSafetensors.Build("""{"a":{"dtype":"U8","shape":[4],"data_offsets":[0,4]}}""", new byte[6]),
            "data bytes [4, 6) at the end of the file belong to no tensor");
    }

    [Fact]
    public void Open_LongHostileName_IsClippedInMessage()
    {
        var dtype = new string('X', 10_000);

        var error = ShouldFail(RawSafetensors.Build($$$"""{"a":{"dtype":"{{{dtype}}}","shape":[0],"data_offsets":[0,0]}}""", []), "tensor 'a' has unknown dtype 'XXXX");

        error.Message.Length.ShouldBeLessThan(400);
    }

    [Fact]
    public void Open_MissingFile_ThrowsFileNotFound()
    {
        Should.Throw<FileNotFoundException>(() => SafetensorsFile.Open(_folder["absent.safetensors"]));
    }

    private SafetensorsFormatException ShouldFail(byte[] contents, string problem)
    {
        var path = _folder["bad.safetensors"];
        File.WriteAllBytes(path, contents);

        var error = Should.Throw<SafetensorsFormatException>(() => SafetensorsFile.Open(path));

        error.FilePath.ShouldBe(path);
        error.Message.ShouldStartWith($"{path}: ");
        error.Problem.ShouldStartWith(problem);

        // Nothing is created, and the file is closed again: it can be replaced at once.
        _folder.Entries().ShouldBe(["bad.safetensors"]);
        File.WriteAllBytes(path, []);
        File.Delete(path);
        return error;
    }
}
