using System.Collections.Concurrent;
using System.ComponentModel;
using Rtn.Gpu.Launching;
using Rtn.Kernels;

namespace Rtn.Gpu;

// The registry of specialized kernels: generated module initializers fill it before any lookup.
public abstract partial class RtnGpuKernels
{
    private static readonly ConcurrentDictionary<(int Bits, int GroupSize), Func<RtnAccelerator, RtnGpuKernels>> Specialized = new();

    /// <summary>The combinations with specialized GPU kernels registered in this process.</summary>
    public static IReadOnlyCollection<RtnConfig> SpecializedCombinations =>
        [.. Specialized.Keys.Order().Select(static key => new RtnConfig(key.Bits, key.GroupSize))];

    /// <summary>
    /// Called by generated module initializers with a scheme such as <c>Q4G128</c>. The first
    /// registration of a combination wins.
    /// </summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public static void Register<TScheme>()
        where TScheme : struct, IRtnScheme
    {
        var config = new RtnConfig(TScheme.Bits, TScheme.GroupSize);
        Specialized.TryAdd(
            (config.Bits, config.GroupSize),
            static accelerator => new SchemeKernels<TScheme>(accelerator, TScheme.Bits, TScheme.GroupSize));
    }

    /// <summary>The kernels registered for (bits, group size), or null.</summary>
    internal static RtnGpuKernels? CreateSpecialized(RtnAccelerator accelerator, int bits, int groupSize) =>
        Specialized.TryGetValue((bits, groupSize), out var create) ? create(accelerator) : null;
}
