namespace Rtn;

/// <summary>How codes are laid out in bytes. Both layouts pack 4-bit codes low nibble first.</summary>
public enum RtnFormat
{
    /// <summary>
    /// The code itself, two's complement: <c>int8</c> holding <c>q</c>, or for 4 bits
    /// <c>(q[2k+1] &amp; 0xF) &lt;&lt; 4 | (q[2k] &amp; 0xF)</c>. vLLM's <c>rtn_quantize</c> layout.
    /// </summary>
    Signed,

    /// <summary>
    /// The code plus <c>2^(bits-1)</c> as an unsigned value: Marlin's uint4b8/uint8b128 and ONNX
    /// Runtime MatMulNBits with its default zero point. Equals the signed bytes XOR 0x88 (4 bits)
    /// or XOR 0x80 (8 bits).
    /// </summary>
    Offset,
}
