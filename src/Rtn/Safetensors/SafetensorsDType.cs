namespace Rtn.Safetensors;

/// <summary>
/// The element types a safetensors header may name. Member names are the header's own
/// spelling (<see cref="SafetensorsDTypes.HeaderName"/>); values are little-endian and
/// row-major in the file.
/// </summary>
public enum SafetensorsDType
{
    /// <summary>Boolean, one byte per element (0 or 1).</summary>
    BOOL,

    /// <summary>FP4 E2M1 (OCP microscaling), 4 bits: two elements share a byte.</summary>
    F4,

    /// <summary>FP6 E2M3 (OCP microscaling), 6 bits: four elements pack into three bytes.</summary>
    F6_E2M3,

    /// <summary>FP6 E3M2 (OCP microscaling), 6 bits: four elements pack into three bytes.</summary>
    F6_E3M2,

    /// <summary>Unsigned 8-bit integer.</summary>
    U8,

    /// <summary>Signed 8-bit integer.</summary>
    I8,

    /// <summary>FP8 E5M2.</summary>
    F8_E5M2,

    /// <summary>FP8 E4M3 (the "fn" variant: no infinities).</summary>
    F8_E4M3,

    /// <summary>FP8 E8M0, an exponent-only scale (OCP microscaling).</summary>
    F8_E8M0,

    /// <summary>Signed 16-bit integer.</summary>
    I16,

    /// <summary>Unsigned 16-bit integer.</summary>
    U16,

    /// <summary>IEEE binary16 (<see cref="Half"/>).</summary>
    F16,

    /// <summary>bfloat16 (<see cref="BFloat16"/>).</summary>
    BF16,

    /// <summary>Signed 32-bit integer.</summary>
    I32,

    /// <summary>Unsigned 32-bit integer.</summary>
    U32,

    /// <summary>IEEE binary32 (<see cref="float"/>).</summary>
    F32,

    /// <summary>Complex number with two binary32 parts, real first.</summary>
    C64,

    /// <summary>IEEE binary64 (<see cref="double"/>).</summary>
    F64,

    /// <summary>Signed 64-bit integer.</summary>
    I64,

    /// <summary>Unsigned 64-bit integer.</summary>
    U64,
}
