using Rtn.Kernels;

namespace Rtn.Consumer.Tests;

public class SpecializationTests
{
    [Fact]
    public void LibraryCombination_Q4G128_IsSpecializedByTheLibrary()
    {
        RtnKernels<Bits4, G128>.Implementation.IsSpecialized.ShouldBeTrue();
        typeof(G128).Assembly.ShouldBe(typeof(RtnKernels).Assembly);
    }

    [Fact]
    public void LibrarySet_EveryShippedCombination_IsAdvertisedAndSpecialized()
    {
        var advertised = typeof(RtnKernels).Assembly.GetCustomAttributes(typeof(RtnProvidesKernelsAttribute), inherit: false)
            .Cast<RtnProvidesKernelsAttribute>()
            .Select(a => (a.Bits, a.GroupSize))
            .Order()
            .ToList();

        advertised.ShouldBe([(4, -1), (4, 32), (4, 64), (4, 128), (4, 256), (8, -1), (8, 32), (8, 64), (8, 128), (8, 256)]);
        advertised.ShouldAllBe(c => RtnKernels.For(c.Bits, c.GroupSize).IsSpecialized);
    }

    [Fact]
    public void ConsumerCombination_Q4G96_IsSpecializedWithAMarkerOfItsOwn()
    {
        RtnKernels<Bits4, G96>.Implementation.IsSpecialized.ShouldBeTrue();
        RtnKernels<Bits4, G96>.Config.ShouldBe(new RtnConfig(4, 96));
        typeof(G96).Assembly.ShouldBe(typeof(SpecializationTests).Assembly);
        typeof(G96).IsPublic.ShouldBeFalse();
    }

    [Fact]
    public void AttributeOnlyCombination_Q8G48_IsSpecializedThroughFor()
    {
        var kernels = RtnKernels.For(new RtnConfig(8, 48));

        kernels.IsSpecialized.ShouldBeTrue();
        (kernels.Bits, kernels.GroupSize).ShouldBe((8, 48));
    }

    [Fact]
    public void CombinationNobodyGenerated_Q8G80_FallsBackToGeneric()
    {
        RtnKernels.For(8, 80).IsSpecialized.ShouldBeFalse();
    }
}
