using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Rtn.Cli.Pipeline.Formats;
using Rtn.Cli.Pipeline.Planning;
using Rtn.Safetensors;

namespace Rtn.Cli.Tests;

public class TensorSelectionTests
{
    private static readonly TensorSelector Selector = new(new QuantizationScheme(new RtnConfig(4, 128), RtnFormat.Signed, []), SkipRule.Defaults);

    [Theory]
    [InlineData("model.embed_tokens.weight")]
    [InlineData("transformer.wte.weight")]
    [InlineData("transformer.wpe.weight")]
    [InlineData("bert.embeddings.word_embeddings.weight")]
    [InlineData("lm_head.weight")]
    [InlineData("output.weight")]
    [InlineData("gpt_neox.embed_out.weight")]
    [InlineData("model.layers.0.input_layernorm.weight")]
    [InlineData("model.layers.0.self_attn.q_norm.weight")]
    [InlineData("transformer.h.0.ln_1.weight")]
    [InlineData("transformer.ln_f.weight")]
    [InlineData("model.layers.0.block_sparse_moe.gate.weight")]
    [InlineData("model.layers.0.mlp.router.weight")]
    [InlineData("model.layers.0.mlp.shared_expert_gate.weight")]
    public void Plan_DefaultSkipNames_AreCopied(string name) =>
        Selector.Plan(Matrix(name)).Action.ShouldBe(TensorAction.Copy, name);

    [Theory]
    [InlineData("model.layers.0.self_attn.q_proj.weight")]
    [InlineData("model.layers.0.mlp.gate_proj.weight")]
    [InlineData("model.layers.0.mlp.down_proj.weight")]
    [InlineData("model.layers.0.block_sparse_moe.experts.0.w1.weight")]
    [InlineData("transformer.h.0.attn.c_attn.weight")]
    [InlineData("bert.encoder.layer.0.attention.output.dense.weight")]
    [InlineData("model.layers.0.mlp.experts.gate_up_proj.weight")]
    public void Plan_LinearWeights_AreQuantized(string name) =>
        Selector.Plan(Matrix(name)).Action.ShouldBe(TensorAction.Quantize, name);

    [Fact]
    public void Plan_NonWeightsWrongTypesAndRanks_AreCopiedWithReason()
    {
        Selector.Plan(Tensor("model.layers.0.self_attn.q_proj.bias", SafetensorsDType.BF16, 256, 256)).Reason.ShouldBe("not a *.weight");
        Selector.Plan(Tensor("a.weight", SafetensorsDType.I8, 256, 256)).Reason.ShouldContain("I8");
        Selector.Plan(Tensor("a.weight", SafetensorsDType.F64, 256, 256)).Reason.ShouldContain("F64");
        Selector.Plan(Tensor("a.weight", SafetensorsDType.F32, 256)).Reason.ShouldBe("1-D, not a matrix");
        Selector.Plan(Tensor("a.weight", SafetensorsDType.F32, 2, 2, 2, 256)).Reason.ShouldBe("4-D, not a matrix");
    }

    [Fact]
    public void Plan_ExpertStack_IsQuantizedAsAStack()
    {
        var plan = Selector.Plan(Tensor("model.layers.0.mlp.experts.w13.weight", SafetensorsDType.BF16, 8, 512, 256));

        plan.Action.ShouldBe(TensorAction.Quantize);
        plan.Shape.ShouldBe(WeightShape.Stack(8, 512, 256));
    }

    [Fact]
    public void Plan_ShapeNotFitting_IsUnfitWithTheReason()
    {
        var plan = Selector.Plan(Tensor("a.weight", SafetensorsDType.F16, 64, 200));

        plan.Action.ShouldBe(TensorAction.Unfit);
        plan.Reason.ShouldContain("g = 128");
        plan.Reason.ShouldNotContain("Parameter");
    }

    [Fact]
    public void Scheme_FirstMatchingOverrideWins()
    {
        var scheme = new QuantizationScheme(new RtnConfig(4, 128), RtnFormat.Signed, [QuantizationOverride.Parse("down_proj=8"), QuantizationOverride.Parse("mlp=4:64")]);

        scheme.ConfigFor("model.layers.0.mlp.down_proj.weight").ShouldBe(new RtnConfig(8, 128));
        scheme.ConfigFor("model.layers.0.mlp.up_proj.weight").ShouldBe(new RtnConfig(4, 64));
        scheme.ConfigFor("model.layers.0.self_attn.q_proj.weight").ShouldBe(new RtnConfig(4, 128));
    }

    [Theory]
    [InlineData("x", "must look like REGEX=BITS")]
    [InlineData("x=", "must look like REGEX=BITS")]
    [InlineData("=8", "must look like REGEX=BITS")]
    [InlineData("x=2", "asks for 2 bits")]
    [InlineData("x=8:0", "group size '0'")]
    [InlineData("x=8:-2", "group size '-2'")]
    [InlineData("x=8:a", "group size 'a'")]
    [InlineData("(x=8", "not a valid regular expression")]
    public void Override_Malformed_ThrowsSayingWhy(string text, string reason) =>
        Should.Throw<FormatException>(() => QuantizationOverride.Parse(text)).Message.ShouldContain(reason);

    [Property(MaxTest = 200)]
    public Property Override_ToString_ParsesBackToTheSameOverride() =>
        Prop.ForAll(
            Arb.From(
                from pattern in Gen.Elements("down_proj", @"layers\.[0-9]+\.mlp", "a=b", "experts", "^model")
                from bits in Gen.Elements(4, 8)
                from groupSize in Gen.Elements<int?>(null, -1, 32, 64, 128)
                select new QuantizationOverride(pattern, bits, groupSize)),
            original => QuantizationOverride.Parse(original.ToString()) == original);

    [Fact]
    public void ScaleName_ReplacesWeightSuffix() =>
        QuantizedNames.ScaleFor("model.layers.0.mlp.down_proj.weight").ShouldBe("model.layers.0.mlp.down_proj.scale");

    private static TensorInfo Matrix(string name) => Tensor(name, SafetensorsDType.BF16, 256, 256);

    private static TensorInfo Tensor(string name, SafetensorsDType dtype, params long[] shape)
    {
        using var temp = new TempFolder();
        TestModels.WriteFile(temp["t.safetensors"], [new TestTensor(name, dtype, shape, new float[shape.Aggregate(1L, (a, b) => a * b)])]);
        using var file = SafetensorsFile.Open(temp["t.safetensors"]);
        return file.Tensors[0];
    }
}
