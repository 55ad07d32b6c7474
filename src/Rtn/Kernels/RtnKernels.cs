using System.Collections.Concurrent;
using System.ComponentModel;
using Rtn.Kernels;

namespace Rtn;

/// <summary>
/// Finds the kernels for a (bits, group size) combination chosen at run time: the generated,
/// specialized ones when some assembly in the process generated them, otherwise a generic
/// implementation that gives identical results.
/// </summary>
public static class RtnKernels
{
    // Keyed by the configuration (a record, compared by value) rather than a tuple of its numbers:
    // a dictionary with a value-type key is compiled when the process starts, as every command of
    // a tool does, while one with a class key runs the framework's precompiled code.
    private static readonly ConcurrentDictionary<RtnConfig, IRtnKernels> Specialized = new();
    private static readonly ConcurrentDictionary<RtnConfig, IRtnKernels> Generic = new();

    /// <summary>
    /// The kernels for <paramref name="config"/>, a combination validated when it was made: the
    /// specialized ones when registered, else the generic kernels made for this very value.
    /// </summary>
    public static IRtnKernels For(RtnConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        return Specialized.TryGetValue(config, out var kernels) ? kernels : GenericFor(config);
    }

    /// <summary>The kernels for <paramref name="bits"/> and <paramref name="groupSize"/> (-1 per row), validated here.</summary>
    public static IRtnKernels For(int bits, int groupSize) => For(new RtnConfig(bits, groupSize));

    /// <summary>The generic implementation, even where specialized kernels exist (for comparison and benchmarks).</summary>
    public static IRtnKernels GenericFor(RtnConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        return Generic.GetOrAdd(config, static made => new GenericRtnKernels(made));
    }

    /// <inheritdoc cref="GenericFor(RtnConfig)"/>
    public static IRtnKernels GenericFor(int bits, int groupSize) => GenericFor(new RtnConfig(bits, groupSize));

    /// <summary>The combinations with specialized kernels loaded in this process.</summary>
    public static IReadOnlyCollection<RtnConfig> SpecializedCombinations =>
        [.. Specialized.Keys.OrderBy(static config => config.Bits).ThenBy(static config => config.GroupSize)];

    /// <summary>
    /// Called by generated module initializers. The first registration of a combination wins;
    /// a second assembly generating the same combination changes nothing.
    /// </summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public static void Register(IRtnKernels kernels)
    {
        ArgumentNullException.ThrowIfNull(kernels);
        Specialized.TryAdd(new RtnConfig(kernels.Bits, kernels.GroupSize), kernels);
    }
}
