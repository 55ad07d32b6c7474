using System.Globalization;

namespace Rtn.Safetensors;

/// <summary>
/// Element and byte counts of a tensor, computed with overflow checks because both come from
/// untrusted headers: a shape like <c>[2^40, 2^40]</c> must be an error, not a wrapped count.
/// </summary>
internal static class TensorSizes
{
    /// <summary>
    /// Counts elements and bytes of a <paramref name="dtype"/> tensor of <paramref name="shape"/>;
    /// returns what is wrong (to be prefixed with the file and tensor), or null.
    /// </summary>
    public static string? TryCompute(SafetensorsDType dtype, ReadOnlySpan<long> shape, out long elementCount, out long byteCount)
    {
        elementCount = 0;
        byteCount = 0;
        foreach (var dimension in shape)
        {
            if (dimension < 0)
            {
                return $"shape {Format(shape)} has a negative dimension";
            }
        }

        // A zero dimension makes the tensor empty however large the others are; checking it
        // first keeps the answer independent of the order of the dimensions.
        if (!shape.Contains(0))
        {
            elementCount = 1;
            foreach (var dimension in shape)
            {
                if (elementCount > long.MaxValue / dimension)
                {
                    return $"shape {Format(shape)} has more elements than a 64-bit count can hold";
                }

                elementCount *= dimension;
            }
        }

        var bits = dtype.BitSize();
        if (elementCount > long.MaxValue / bits)
        {
            return $"{Describe(dtype, shape)} has more bytes than a 64-bit size can hold";
        }

        var totalBits = elementCount * bits;
        if (totalBits % 8 != 0)
        {
            return string.Create(CultureInfo.InvariantCulture,
                $"{Describe(dtype, shape)} is {totalBits} bits, not a whole number of bytes");
        }

        byteCount = totalBits / 8;
        return null;
    }

    /// <summary>A shape as the error messages write it: <c>[2, 3]</c>, <c>[]</c> for a scalar.</summary>
    public static string Format(ReadOnlySpan<long> shape)
    {
        var dimensions = new string[shape.Length];
        for (var i = 0; i < shape.Length; i++)
        {
            dimensions[i] = shape[i].ToString(CultureInfo.InvariantCulture);
        }

        return $"[{string.Join(", ", dimensions)}]";
    }

    /// <summary>A dtype and shape: <c>F32 [2, 3]</c>.</summary>
    public static string Describe(SafetensorsDType dtype, ReadOnlySpan<long> shape) => $"{dtype.HeaderName()} {Format(shape)}";
}
