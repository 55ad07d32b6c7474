namespace Rtn;

/// <summary>
/// The element types RTN weights and activations come in, and the two conversions the spec
/// needs: exact widening to <see cref="float"/>, and rounding a <see cref="float"/> to the type
/// (nearest, ties to even). Type tests on <typeparamref name="T"/> fold away when the JIT
/// specializes a caller for a value type.
/// </summary>
/// <typeparam name="T"><see cref="float"/>, <see cref="Half"/> or <see cref="BFloat16"/>.</typeparam>
public static class Precision<T>
    where T : unmanaged
{
    /// <summary>Whether <typeparamref name="T"/> is one of the supported element types.</summary>
    public static bool IsSupported =>
        typeof(T) == typeof(float) || typeof(T) == typeof(Half) || typeof(T) == typeof(BFloat16);

    /// <summary>The name safetensors and PyTorch use: F32, F16, BF16.</summary>
    public static string Name =>
        typeof(T) == typeof(float) ? "F32"
        : typeof(T) == typeof(Half) ? "F16"
        : typeof(T) == typeof(BFloat16) ? "BF16"
        : typeof(T).Name;

    /// <summary>Throws unless <typeparamref name="T"/> is supported.</summary>
    public static void EnsureSupported()
    {
        if (!IsSupported)
        {
            throw new NotSupportedException($"RTN works on float, Half and BFloat16 values, not {typeof(T).Name}.");
        }
    }

    /// <summary>Widens exactly to <see cref="float"/>.</summary>
    public static float ToSingle(T value)
    {
        if (typeof(T) == typeof(float))
        {
            return (float)(object)value;
        }

        if (typeof(T) == typeof(Half))
        {
            return (float)(Half)(object)value;
        }

        if (typeof(T) == typeof(BFloat16))
        {
            return (BFloat16)(object)value;
        }

        throw new NotSupportedException($"RTN works on float, Half and BFloat16 values, not {typeof(T).Name}.");
    }

    /// <summary>Rounds to <typeparamref name="T"/>: to nearest, ties to even.</summary>
    public static T FromSingle(float value)
    {
        if (typeof(T) == typeof(float))
        {
            return (T)(object)value;
        }

        if (typeof(T) == typeof(Half))
        {
            return (T)(object)(Half)value;
        }

        if (typeof(T) == typeof(BFloat16))
        {
            return (T)(object)(BFloat16)value;
        }

        throw new NotSupportedException($"RTN works on float, Half and BFloat16 values, not {typeof(T).Name}.");
    }

    /// <summary>Rounds <paramref name="value"/> to <typeparamref name="T"/> and widens it back.</summary>
    public static float Round(float value) => ToSingle(FromSingle(value));
}
