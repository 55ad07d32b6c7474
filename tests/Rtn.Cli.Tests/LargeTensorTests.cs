using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.RegularExpressions;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Rtn.Cli.Pipeline.Jobs;
using Rtn.Safetensors;

namespace Rtn.Cli.Tests;

/// <summary>Tensors go through the kernels in slices of rows: any slice size gives the reference's bytes, and a tensor above 2 GiB quantizes, dequantizes and evaluates.</summary>
public class LargeTensorTests
{
    [Property(MaxTest = 40)]
    public Property QuantizeAndDequantize_InSlicesOfAnySize_GiveTheReferenceBytes(bool stack, bool fourBits, PositiveInt sliceRows, int seed)
    {
        using var temp = new TempFolder();
        var dtype = new[] { SafetensorsDType.F32, SafetensorsDType.F16, SafetensorsDType.BF16 }[Math.Abs(seed % 3)];
        long[] shape = stack ? [3, 6, 32] : [10, 32];
        var tensor = TestModels.Random("model.layers.0.mlp.experts.down_proj.weight", dtype, shape);
        TestModels.WriteFile(temp["model.safetensors"], [tensor]);
        var config = new RtnConfig(fourBits ? 4 : 8, 16);
        var previous = RowSlices.MaxBytes;
        RowSlices.MaxBytes = (1 + (sliceRows.Get % 12)) * 32L * dtype.BitSize() / 8;
        try
        {
            ToolRun.Of("quantize", "--save-format", "rtn", temp["model.safetensors"], "-o", temp["q.safetensors"], "-b", config.Bits.ToString(System.Globalization.CultureInfo.InvariantCulture), "-g", "16").ShouldSucceed();
            ToolRun.Of("dequantize", temp["q.safetensors"], "-o", temp["d.safetensors"]).ShouldSucceed();
        }
        finally
        {
            RowSlices.MaxBytes = previous;
        }

        var expected = Reference.Quantize(tensor, config, RtnFormat.Signed);
        using var quantized = SafetensorsFile.Open(temp["q.safetensors"]);
        using var dequantized = SafetensorsFile.Open(temp["d.safetensors"]);
        return (quantized.GetBytes(quantized[tensor.Name]).SequenceEqual(expected.Packed)
            && quantized.GetBytes(quantized["model.layers.0.mlp.experts.down_proj.scale"]).SequenceEqual(expected.Scales)
            && dequantized.GetBytes(dequantized[tensor.Name]).SequenceEqual(expected.Dequantized)).Label($"{dtype} {string.Join('×', shape)} Q{config.Bits} slices of {RowSlices.MaxBytes} bytes");
    }

    /// <summary>
    /// In compressed-tensors and MLX each output tensor is written whole before the next, so a
    /// tensor in several slices writes its codes slice by slice and its scales (and MLX's biases)
    /// after the last slice: the file must be the one written from a single slice, byte for byte.
    /// </summary>
    [Property(MaxTest = 20)]
    public Property Quantize_ServableFormatsInSlicesOfAnySize_WriteTheBytesOfOneSlice(bool mlx, bool fourBits, bool stack, PositiveInt sliceRows, int seed)
    {
        using var temp = new TempFolder();
        var dtype = new[] { SafetensorsDType.F32, SafetensorsDType.F16, SafetensorsDType.BF16 }[Math.Abs(seed % 3)];
        long[] shape = stack ? [3, 6, 64] : [10, 64];
        TestModels.WriteFile(temp["model.safetensors"], [TestModels.Random("model.layers.0.mlp.experts.down_proj.weight", dtype, shape)]);
        string[] arguments = ["--save-format", mlx ? "mlx" : "compressed-tensors", "-b", fourBits ? "4" : "8", "-g", "32"];
        ToolRun.Of(["quantize", temp["model.safetensors"], "-o", temp["whole.safetensors"], .. arguments]).ShouldSucceed();
        var previous = RowSlices.MaxBytes;
        RowSlices.MaxBytes = (1 + (sliceRows.Get % 12)) * 64L * dtype.BitSize() / 8;
        try
        {
            ToolRun.Of(["quantize", temp["model.safetensors"], "-o", temp["sliced.safetensors"], .. arguments]).ShouldSucceed();
        }
        finally
        {
            RowSlices.MaxBytes = previous;
        }

        return File.ReadAllBytes(temp["sliced.safetensors"]).SequenceEqual(File.ReadAllBytes(temp["whole.safetensors"]))
            .Label($"{string.Join(' ', arguments)} {dtype} {string.Join('×', shape)}");
    }

    /// <summary>
    /// A BF16 expert stack [4, 16896, 16384] (2.06 GiB, more than a span holds), written on the
    /// fly, quantized to int4 and dequantized; rows on both sides of the 2 GiB mark, and the first
    /// and last rows, are checked against the reference, and <c>eval</c> measures the quantized
    /// file and the dequantized one alike. Everything is deleted afterwards.
    /// </summary>
    [Fact]
    public void QuantizeDequantizeAndEval_TensorAbove2GiB_StreamThroughInSlices()
    {
        using var temp = new TempFolder();
        const int Experts = 4, Rows = 16896, Columns = 16384;
        const string Name = "model.layers.0.mlp.experts.gate_up_proj.weight", Scale = "model.layers.0.mlp.experts.gate_up_proj.scale";
        WriteLargeStack(temp["model.safetensors"], Name, Experts, Rows, Columns);

        ToolRun.Of("quantize", "--save-format", "rtn", temp["model.safetensors"], "-o", temp["q.safetensors"], "-b", "4", "-g", "128", "--no-default-skip").ShouldSucceed();
        ToolRun.Of("dequantize", temp["q.safetensors"], "-o", temp["d.safetensors"]).ShouldSucceed();

        using var input = SafetensorsFile.Open(temp["model.safetensors"]);
        using var quantized = SafetensorsFile.Open(temp["q.safetensors"]);
        using var dequantized = SafetensorsFile.Open(temp["d.safetensors"]);
        quantized[Name].Shape.ToArray().ShouldBe([Experts, Rows / 2, Columns]);
        quantized[Scale].Shape.ToArray().ShouldBe([Experts, Rows, Columns / 128]);
        var config = new RtnConfig(4, 128);
        var boundaryRow = (1L << 31) / (Columns * 2);
        foreach (var first in new[] { 0, boundaryRow - 2, boundaryRow, ((long)Experts * Rows) - 2 })
        {
            var rows = input.GetBytes(input[Name], first * Columns * 2, 2 * Columns * 2);
            var expected = RtnReference.Quantize<BFloat16>(MemoryMarshal.Cast<byte, BFloat16>(rows), WeightShape.Matrix(2, Columns), config);
            quantized.GetBytes(quantized[Name], first * Columns / 2, Columns).ToArray().ShouldBe(expected.Packed, $"codes of rows {first}, {first + 1}");
            MemoryMarshal.Cast<byte, BFloat16>(quantized.GetBytes(quantized[Scale], first * (Columns / 128) * 2, 2 * (Columns / 128) * 2)).ToArray()
                .ShouldBe(expected.Scales, $"scales of rows {first}, {first + 1}");
            MemoryMarshal.Cast<byte, BFloat16>(dequantized.GetBytes(dequantized[Name], first * Columns * 2, 2 * Columns * 2)).ToArray()
                .ShouldBe(RtnReference.Dequantize(expected), $"dequantized rows {first}, {first + 1}");
        }

        var evaluated = ToolRun.Of("eval", temp["model.safetensors"], temp["q.safetensors"]).ShouldSucceed();
        var sqnr = double.Parse(Regex.Match(evaluated.Output, @"gate_up_proj\.weight\s+\[4, 16896, 16384\]\s+Q4G128 signed\s+(\d+\.\d+)\s").Groups[1].Value, CultureInfo.InvariantCulture);
        sqnr.ShouldBeInRange(15, 25, "int4 on uniform values keeps about 20 dB");
        Totals(ToolRun.Of("eval", temp["model.safetensors"], temp["d.safetensors"]).ShouldSucceed().Output).ShouldBe(Totals(evaluated.Output));
    }

    private static string Totals(string output) =>
        string.Join(' ', output.Split('\n').Single(line => line.StartsWith("all ", StringComparison.Ordinal)).Split(' ', StringSplitOptions.RemoveEmptyEntries));

    /// <summary>Writes one BF16 stack from a buffer of an odd number of values, so consecutive rows differ.</summary>
    private static void WriteLargeStack(string path, string name, int experts, int rows, int columns)
    {
        var random = new Random(5);
        var buffer = new BFloat16[(8 << 20) + 7];
        for (var i = 0; i < buffer.Length; i++)
        {
            buffer[i] = (BFloat16)(float)(random.NextDouble() - 0.5);
        }

        using var writer = SafetensorsWriter.Create(path, [new TensorDeclaration(name, SafetensorsDType.BF16, experts, rows, columns)]);
        for (var left = (long)experts * rows * columns; left > 0; left -= buffer.Length)
        {
            writer.WriteChunk(name, MemoryMarshal.AsBytes(buffer.AsSpan(0, (int)Math.Min(buffer.Length, left))));
        }

        writer.Commit();
    }
}
