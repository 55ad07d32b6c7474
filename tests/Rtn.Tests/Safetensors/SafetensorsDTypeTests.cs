using Rtn.Safetensors;

namespace Rtn.Tests.Safetensors;

public sealed class SafetensorsDTypeTests
{
    [Theory]
    [InlineData("BOOL", 8)]
    [InlineData("F4", 4)]
    [InlineData("F6_E2M3", 6)]
    [InlineData("F6_E3M2", 6)]
    [InlineData("U8", 8)]
    [InlineData("I8", 8)]
    [InlineData("F8_E5M2", 8)]
    [InlineData("F8_E4M3", 8)]
    [InlineData("F8_E8M0", 8)]
    [InlineData("I16", 16)]
    [InlineData("U16", 16)]
    [InlineData("F16", 16)]
    [InlineData("BF16", 16)]
    [InlineData("I32", 32)]
    [InlineData("U32", 32)]
    [InlineData("F32", 32)]
    [InlineData("C64", 64)]
    [InlineData("F64", 64)]
    [InlineData("I64", 64)]
    [InlineData("U64", 64)]
    public void HeaderName_ParsesToDTypeOfPublishedSize(string headerName, int bits)
    {
        SafetensorsDTypes.TryParse(headerName, out var dtype).ShouldBeTrue();

        dtype.HeaderName().ShouldBe(headerName);
        dtype.BitSize().ShouldBe(bits);
    }

    [Fact]
    public void EveryDType_IsCoveredByTheTable()
    {
        Enum.GetValues<SafetensorsDType>().Length.ShouldBe(20);
    }

    [Theory]
    [InlineData("f32")]
    [InlineData("Float32")]
    [InlineData("15")]
    [InlineData(" F32")]
    [InlineData("")]
    [InlineData(null)]
    public void TryParse_OtherSpellings_AreRejected(string? headerName)
    {
        SafetensorsDTypes.TryParse(headerName, out _).ShouldBeFalse();
    }

    [Fact]
    public void UndefinedValue_Throws()
    {
        Should.Throw<ArgumentOutOfRangeException>(() => ((SafetensorsDType)99).BitSize());
        Should.Throw<ArgumentOutOfRangeException>(() => ((SafetensorsDType)99).HeaderName());
        Should.Throw<ArgumentOutOfRangeException>(() => new TensorDeclaration("t", (SafetensorsDType)99, 1));
    }
}
