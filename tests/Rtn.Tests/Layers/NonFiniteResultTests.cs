using Rtn.Layers;

namespace Rtn.Tests.Layers;

/// <summary>A layer refuses a partition whose scales or dequantized values would not be finite (docs/rtn-spec.md, Edge cases).</summary>
public class NonFiniteResultTests
{
    [Fact]
    public void LoadPartition_Half_DequantizedValueBeyond65504_IsRefusedNamingPartitionGroupAndMax()
    {
        var linear = new RtnLinear<Half>(4, [2, 2], new RtnConfig(4, 2), name: "gate_up_proj");
        Half[] fine = [(Half)1, (Half)2, (Half)3, (Half)4, (Half)5, (Half)6, (Half)7, (Half)8];
        linear.LoadPartition(0, fine);

        // Group 1 of the partition's row 1 has m = 61440, so s = 8192 and its code -8 dequantizes to -65536 → -inf.
        Half[] overflowing = [(Half)1, (Half)2, (Half)3, (Half)4, (Half)5, (Half)6, (Half)(-61440), (Half)8];
        var error = Should.Throw<ArgumentException>(() => linear.LoadPartition(1, overflowing));

        error.Message.ShouldContain("Layer gate_up_proj partition 1 of 2: group 1 of the row at [3, 2] (columns [2, 4)) has max|x| = 61440");
        error.Message.ShouldContain("beyond the largest");
    }

    [Fact]
    public void LoadPartition_AfterARefusedReload_ForwardRefusesThePartition()
    {
        var linear = new RtnLinear<float>(2, 2, new RtnConfig(8, 2), name: "o_proj");
        linear.Load([1f, 2f, 3f, 4f]);

        Should.Throw<ArgumentException>(() => linear.Load([1f, 2f, MathF.ScaleB(1, 127), 4f])).Message.ShouldContain("max|x| = 1.7014118E+38");

        Should.Throw<InvalidOperationException>(() => linear.Forward([1f, 1f], 1, new float[2])).Message.ShouldContain("has not been loaded");
    }

    [Fact]
    public void Load_Stack_InfiniteScale_NamesTheExpert()
    {
        var experts = new RtnExpertLinear<float>(2, 2, 2, new RtnConfig(8, -1), name: "experts");

        var error = Should.Throw<ArgumentException>(() => experts.LoadExpert(1, [1f, 1f, -MathF.ScaleB(1, 127), 1f]));

        error.Message.ShouldContain("the row at [1, 1, 0]");
    }
}
