namespace Rtn;

/// <summary>How a kernel call runs. The result never depends on these settings.</summary>
public readonly record struct KernelOptions
{
    /// <summary>The SIMD tier to use; null picks <see cref="VectorTiers.Best"/>.</summary>
    public VectorTier? Tier { get; init; }

    /// <summary>Most threads to use; 0 uses every core.</summary>
    public int MaxThreads { get; init; }

    /// <summary>The tier a call runs at, checked against the hardware.</summary>
    public VectorTier ResolveTier()
    {
        var tier = Tier ?? VectorTiers.Best;
        if (!VectorTiers.IsSupported(tier))
        {
            throw new PlatformNotSupportedException($"This machine does not accelerate {tier}; it runs {string.Join(", ", VectorTiers.Available)}.");
        }

        return tier;
    }

    /// <summary>The thread count a call may use.</summary>
    public int ResolveThreads() => MaxThreads switch
    {
        < 0 => throw new ArgumentOutOfRangeException(nameof(MaxThreads), MaxThreads, "MaxThreads must be 0 (all cores) or positive."),
        0 => Environment.ProcessorCount,
        _ => MaxThreads,
    };
}
