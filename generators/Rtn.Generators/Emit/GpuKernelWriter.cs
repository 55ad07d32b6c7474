using System.Globalization;
using Rtn.Generators.Models;

namespace Rtn.Generators.Emit;

/// <summary>
/// Writes one combination's GPU kernel class: a module initializer handing the combination's
/// scheme to Rtn.Gpu, which compiles its generic kernel bodies for that scheme with ILGPU (so the
/// bits and group size are constants in the device code), and a <c>// GPU kernels:</c> block saying
/// which kernel shapes this combination runs. The shapes follow from the group size alone, the way
/// Rtn.Gpu chooses them at launch.
/// </summary>
internal static class GpuKernelWriter
{
    /// <summary>The class holding the combination's GPU registration, e.g. <c>Q4G128GpuKernels</c>.</summary>
    public static string ClassName(KernelSpec spec) => spec.SchemeName + "GpuKernels";

    /// <summary>The comment block describing the device code this combination runs.</summary>
    public static void WriteKernelComment(CodeWriter writer, KernelSpec spec)
    {
        var perRow = spec.GroupSize == KernelSpec.PerRow;
        var group = perRow ? "row" : "group of " + Invariant(spec.GroupSize);
        var codeStore = spec.Bits == 4 ? "16-bit" : "32-bit";
        var codeLoad = spec.Bits == 4 ? "32-bit" : "64-bit";

        writer.Line($"// GPU kernels: {spec.SchemeName} through ILGPU (CUDA, OpenCL or the CPU accelerator): Rtn.Gpu's kernel")
            .Line(perRow
                ? $"//   bodies compiled for this scheme, with bits = {Invariant(spec.Bits)} folded in; the row length is read at launch."
                : $"//   bodies compiled for this scheme, with bits = {Invariant(spec.Bits)} and group size = {Invariant(spec.GroupSize)} folded in.");

        if (perRow || spec.GroupSize % 4 == 0)
        {
            writer.Line($"// Quantize: one warp per {group}; each lane reads 4 values at a time, the warp takes max|x|")
                .Line($"//   with shuffles, and each lane writes its 4 codes as one {codeStore} store.");
        }
        else
        {
            writer.Line($"// Quantize: two passes, as {Invariant(spec.GroupSize)} is not a multiple of 4: one warp per group computes its")
                .Line("//   scale, then one thread per packed byte writes its codes, each with its own group's scale.");
        }

        if (perRow || spec.GroupSize % 4 == 0)
        {
            writer.Line("// Dequantize: one thread per 4 values: one load of their codes, one vector store of the values.");
        }
        else
        {
            writer.Line("// Dequantize: one thread per value.");
        }

        if (perRow || spec.GroupSize % 8 == 0)
        {
            writer.Line("// MatMul: one warp per output row, and per 4 activation rows when m > 1; each lane unpacks 8 codes")
                .Line($"//   from one {codeLoad} load in registers, and the warp sums with shuffles. W' is never built.");
        }
        else
        {
            writer.Line("// MatMul: one warp per output row and activation row, one code per lane step. W' is never built.");
        }

        if (perRow)
        {
            writer.Line("// These paths need C to be a multiple of 4 (quantize, dequantize) or 8 (MatMul); other")
                .Line("//   widths take two quantize passes and one value per thread or lane step.");
        }
    }

    /// <summary>The class, between the namespace and the end of the file.</summary>
    public static void WriteClass(CodeWriter writer, KernelSpec spec)
    {
        writer.Line($"/// <summary>Registers <c>{spec.SchemeName}</c>'s GPU kernels with <see cref=\"global::Rtn.Gpu.RtnGpuKernels\"/> before any of this assembly's code runs.</summary>");
        GeneratedCode.WriteTypeAttributes(writer);
        writer.Line($"internal static class {ClassName(spec)}");
        using (writer.Block())
        {
            writer.Line("[global::System.Runtime.CompilerServices.ModuleInitializer]")
                .Line($"internal static void Register() => global::Rtn.Gpu.RtnGpuKernels.Register<{spec.SchemeName}>();");
        }
    }

    private static string Invariant(int value) => value.ToString(CultureInfo.InvariantCulture);
}
