using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Rtn.Cli.Pipeline.Evaluation;
using Rtn.Safetensors;

namespace Rtn.Cli.Tests;

/// <summary><c>rtn eval</c> compares tensors in slices of rows: the numbers are the same, to the last bit, for any slice size.</summary>
public class SlicedEvaluationTests
{
    private static readonly string[] SaveFormats = ["rtn", "compressed-tensors", "mlx"];

    [Property(MaxTest = 15)]
    public Property Compare_QuantizedInSlicesOfAnySize_GivesTheNumbersOfWholeTensors(PositiveInt format, bool fourBits, PositiveInt sliceRows)
    {
        using var temp = new TempFolder();
        var save = SaveFormats[format.Get % SaveFormats.Length];
        TestModels.WriteFolder(temp["model"], TestModels.Block());
        ToolRun.Of("quantize", temp["model"], "-o", temp["q"], "--save-format", save, "-b", fourBits ? "4" : "8", "-g", "32").ShouldSucceed();
        ToolRun.Of("dequantize", temp["q"], "-o", temp["d"]).ShouldSucceed();
        var sliceBytes = (1 + (sliceRows.Get % 12)) * 32L * sizeof(float);

        return (SameNumbers(temp["model"], temp["q"], sliceBytes) && SameNumbers(temp["model"], temp["d"], sliceBytes))
            .Label($"{save} Q{(fourBits ? 4 : 8)} slices of {sliceBytes} bytes");
    }

    [Property(MaxTest = 10)]
    public Property Compare_DenseInSlicesOfAnySize_GivesTheNumbersOfWholeTensors(PositiveInt sliceValues)
    {
        using var temp = new TempFolder();
        TestTensor[] original =
        [
            TestModels.Random("model.norm.weight", SafetensorsDType.F32, (1 << 17) + 5),
            TestModels.Random("model.embed_tokens.weight", SafetensorsDType.BF16, 10, 48),
        ];
        TestModels.WriteFile(temp["model.safetensors"], original);
        TestModels.WriteFile(temp["other.safetensors"], original.Select(t => t with { DType = SafetensorsDType.F16 }));
        var sliceBytes = (1 + (sliceValues.Get % 40)) * 4096L * sizeof(float);

        return SameNumbers(temp["model.safetensors"], temp["other.safetensors"], sliceBytes).Label($"slices of {sliceBytes} bytes");
    }

    [Fact]
    public void Compare_DenseCopy_MeasuresEveryValue()
    {
        using var temp = new TempFolder();
        var norm = TestModels.Random("model.norm.weight", SafetensorsDType.F32, (1 << 17) + 5);
        TestModels.WriteFile(temp["model.safetensors"], [norm]);
        TestModels.WriteFile(temp["other.safetensors"], [norm with { DType = SafetensorsDType.BF16 }]);

        var error = new ModelComparer(default, 4096).Compare(temp["model.safetensors"], temp["other.safetensors"], _ => { }).Tensors.Single().Error;

        var rounded = TestModels.Stored<BFloat16>(norm with { DType = SafetensorsDType.BF16 });
        error.Count.ShouldBe(norm.Values.Length);
        error.Noise.ShouldBe(norm.Values.Zip(rounded, (x, y) => ((double)x - (float)y) * ((double)x - (float)y)).Sum(), 1e-12);
        error.MaxAbsError.ShouldBe(norm.Values.Zip(rounded, (x, y) => Math.Abs((double)x - (float)y)).Max());
    }

    private static bool SameNumbers(string original, string approximation, long sliceBytes)
    {
        var sliced = new ModelComparer(default, sliceBytes).Compare(original, approximation, _ => { });
        var whole = new ModelComparer(default, long.MaxValue).Compare(original, approximation, _ => { });
        return sliced.Tensors.Count > 0 && sliced.Tensors.SequenceEqual(whole.Tensors, TensorComparisonNumbers.Instance) && sliced.Identical == whole.Identical;
    }

    /// <summary>Same tensor and the same statistics, bit for bit.</summary>
    private sealed class TensorComparisonNumbers : IEqualityComparer<TensorComparison>
    {
        public static TensorComparisonNumbers Instance { get; } = new();

        public bool Equals(TensorComparison? x, TensorComparison? y) => x is not null && y is not null && x.Name == y.Name && x.Error == y.Error;

        public int GetHashCode(TensorComparison obj) => obj.Name.GetHashCode(StringComparison.Ordinal);
    }
}
