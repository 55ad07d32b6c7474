namespace Rtn;

/// <summary>
/// How a kernel call runs. The result never depends on the tier or the thread count; the
/// product's <see cref="Precision"/> chooses between two results, each within its own bound.
/// </summary>
public readonly record struct KernelOptions
{
    /// <summary>The SIMD tier to use; null picks <see cref="VectorTiers.Best"/>.</summary>
    public VectorTier? Tier { get; init; }

    /// <summary>Most threads to use; 0 uses every core.</summary>
    public int MaxThreads { get; init; }

    /// <summary>Whether the product quantizes its activations to int8; quantize and dequantize ignore it.</summary>
    public MatMulPrecision Precision { get; init; }

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

    /// <summary>The product's precision, checked to be one of <see cref="MatMulPrecision"/>'s values.</summary>
    public MatMulPrecision ResolvePrecision() =>
        Enum.IsDefined(Precision)
            ? Precision
            : throw new ArgumentOutOfRangeException(nameof(Precision), Precision, $"Precision must be one of {string.Join(", ", Enum.GetNames<MatMulPrecision>())}.");

    /// <summary>The thread count a call may use.</summary>
    public int ResolveThreads() => MaxThreads switch
    {
        < 0 => throw new ArgumentOutOfRangeException(nameof(MaxThreads), MaxThreads, "MaxThreads must be 0 (all cores) or positive."),
        0 => Environment.ProcessorCount,
        _ => MaxThreads,
    };
}
