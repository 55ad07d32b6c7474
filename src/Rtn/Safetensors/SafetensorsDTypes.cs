namespace Rtn.Safetensors;

/// <summary>Sizes and header spellings of <see cref="SafetensorsDType"/> values.</summary>
public static class SafetensorsDTypes
{
    // Enum.TryParse would also accept numbers and other letter case; the header allows neither.
    // A scan of twenty names, not a dictionary: a dictionary of this enum is generic code over a
    // value type, compiled when first used rather than ahead of time, and building it cost every
    // `rtn` command about 35 ms at start-up, far more than the scans of a header's dtypes.
    private static readonly string[] Names = Enum.GetNames<SafetensorsDType>();
    private static readonly SafetensorsDType[] Values = Enum.GetValues<SafetensorsDType>();

    /// <summary>
    /// Bits per element. Most types are whole bytes; <see cref="SafetensorsDType.F4"/> (4) and
    /// the FP6 types (6) pack several elements per byte, so a tensor of them must hold a
    /// whole number of bytes.
    /// </summary>
    public static int BitSize(this SafetensorsDType dtype) => dtype switch
    {
        SafetensorsDType.F4 => 4,
        SafetensorsDType.F6_E2M3 or SafetensorsDType.F6_E3M2 => 6,
        SafetensorsDType.BOOL or SafetensorsDType.U8 or SafetensorsDType.I8
            or SafetensorsDType.F8_E5M2 or SafetensorsDType.F8_E4M3 or SafetensorsDType.F8_E8M0 => 8,
        SafetensorsDType.I16 or SafetensorsDType.U16 or SafetensorsDType.F16 or SafetensorsDType.BF16 => 16,
        SafetensorsDType.I32 or SafetensorsDType.U32 or SafetensorsDType.F32 => 32,
        SafetensorsDType.C64 or SafetensorsDType.F64 or SafetensorsDType.I64 or SafetensorsDType.U64 => 64,
        _ => throw Undefined(dtype),
    };

    /// <summary>The spelling in a safetensors header, e.g. <c>"BF16"</c> or <c>"F8_E4M3"</c>.</summary>
    public static string HeaderName(this SafetensorsDType dtype) =>
        Enum.IsDefined(dtype) ? dtype.ToString() : throw Undefined(dtype);

    /// <summary>
    /// Reads a header spelling. Matching is exact and case-sensitive, as in the reference
    /// implementation: <c>"f32"</c> is not a dtype.
    /// </summary>
    public static bool TryParse(string? headerName, out SafetensorsDType dtype)
    {
        var index = Array.IndexOf(Names, headerName);
        dtype = index >= 0 ? Values[index] : default;
        return index >= 0;
    }

    private static ArgumentOutOfRangeException Undefined(SafetensorsDType dtype) =>
        new(nameof(dtype), dtype, $"{(int)dtype} is not a safetensors dtype.");
}
