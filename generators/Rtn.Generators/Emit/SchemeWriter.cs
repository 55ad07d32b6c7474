using System;
using System.Globalization;
using Rtn.Generators.Models;

namespace Rtn.Generators.Emit;

/// <summary>
/// Writes what a scheme struct says about its combination: the <c>// Layout:</c> block that
/// opens its file, and the members inside the struct that specialize the generic drivers.
/// Everything one combination's kernels need beyond the generic drivers is written here.
/// </summary>
internal static class SchemeWriter
{
    /// <summary>The comment block describing the bytes this combination reads and writes.</summary>
    public static void WriteLayoutComment(CodeWriter writer, KernelSpec spec)
    {
        var qmin = Invariant(-(1 << (spec.Bits - 1)));
        var qmax = Invariant((1 << (spec.Bits - 1)) - 1);
        var levels = Invariant((1 << spec.Bits) - 1);
        var reciprocal = 1f / ((1 << spec.Bits) - 1);
        var reciprocalBits = BitConverter.ToInt32(BitConverter.GetBytes(reciprocal), 0).ToString("X8", CultureInfo.InvariantCulture);

        writer.Line($"// Layout: {spec.SchemeName}, {Invariant(spec.Bits)}-bit codes with {ScalesPer(spec)}.")
            .Line("//")
            .Line($"// Codes: q = round(clamp(x / s, {qmin}, {qmax})), to nearest with ties to even")
            .Line($"//   (2.5 -> 2, 3.5 -> 4, {qmax}.5 -> {qmax} after the clamp). x / s is a true fp32 division,")
            .Line("//   rounded to T for Half and BFloat16 before the clamp.");

        if (spec.Bits == 4)
        {
            writer.Line("// Packing: the codes of the row-major [R, C] matrix form one sequence q0 q1 q2 ...;")
                .Line("//   byte k holds q[2k] in its low nibble and q[2k + 1] in its high nibble, as two's")
                .Line("//   complement nibbles (signed format) or as q + 8 (offset format: the same bytes XOR 0x88).")
                .Line("//   R and C must be even; the packed tensor has shape [R/2, C].");
        }
        else
        {
            writer.Line("// Packing: one code per byte, row-major: int8 q (signed format) or uint8 q + 128")
                .Line("//   (offset format: the same bytes XOR 0x80). The packed tensor has shape [R, C].");
        }

        if (spec.GroupSize == KernelSpec.PerRow)
        {
            writer.Line("// Scales: s[r] covers all C columns of row r; scales have shape [R, 1].");
        }
        else
        {
            var g = Invariant(spec.GroupSize);
            writer.Line($"// Scales: s[r, j] covers columns [{g}j, {g}j + {g}) of row r; scales have shape")
                .Line($"//   [R, C/{g}], and C must be a multiple of {g}.");
        }

        writer.Line($"//   s = fp32(2 * max|x|) * fp32(1/{levels}): a product with the fp32 reciprocal of {levels}")
            .Line($"//   (0x{reciprocalBits}), not a division, as vLLM evaluates it on the GPU; then rounded to T.")
            .Line("//   A group whose max|x| is 0 has s = 0 and only zero codes.")
            .Line("// Dequantize: w = q * s, an fp32 product rounded to T.");
    }

    /// <summary>The scheme struct's members, between its braces.</summary>
    public static void WriteBody(CodeWriter writer, SchemeInfo scheme)
    {
        writer.Line("/// <inheritdoc/>")
            .Line($"public static int Bits => {Invariant(scheme.Spec.Bits)};")
            .Line()
            .Line("/// <inheritdoc/>")
            .Line($"public static int GroupSize => {Invariant(scheme.Spec.GroupSize)};");
    }

    /// <summary>How the scales divide a row, in words: "one scale per 128 columns".</summary>
    public static string ScalesPer(KernelSpec spec) =>
        spec.GroupSize == KernelSpec.PerRow ? "one scale per row" : $"one scale per {Invariant(spec.GroupSize)} columns";

    private static string Invariant(int value) => value.ToString(CultureInfo.InvariantCulture);
}
