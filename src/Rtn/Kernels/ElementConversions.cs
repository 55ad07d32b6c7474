using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Rtn.Kernels;

/// <summary>Whole runs of elements converted to and from fp32 at the widest tier allowed, bit for bit as <see cref="Precision{T}"/>.</summary>
internal static class ElementConversions
{
    /// <summary>Widens <paramref name="source"/> to fp32, exactly.</summary>
    public static void Widen<T>(VectorTier tier, ReadOnlySpan<T> source, Span<float> destination)
        where T : unmanaged
    {
        ref var from = ref MemoryMarshal.GetReference(source);
        ref var to = ref MemoryMarshal.GetReference(destination);
        var i = 0;
        if (tier >= VectorTier.Vector512)
        {
            for (; i <= source.Length - Lanes512.Count; i += Lanes512.Count)
            {
                Lanes512.Load(ref Unsafe.Add(ref from, i)).StoreUnsafe(ref to, (nuint)i);
            }
        }

        if (tier >= VectorTier.Vector256)
        {
            for (; i <= source.Length - Lanes256.Count; i += Lanes256.Count)
            {
                Lanes256.Load(ref Unsafe.Add(ref from, i)).StoreUnsafe(ref to, (nuint)i);
            }
        }

        if (tier >= VectorTier.Vector128)
        {
            for (; i <= source.Length - Lanes128.Count; i += Lanes128.Count)
            {
                Lanes128.Load(ref Unsafe.Add(ref from, i)).StoreUnsafe(ref to, (nuint)i);
            }
        }

        for (; i < source.Length; i++)
        {
            Unsafe.Add(ref to, i) = Precision<T>.ToSingle(Unsafe.Add(ref from, i));
        }
    }

    /// <summary>Rounds <paramref name="source"/> to <typeparamref name="T"/>, to nearest, ties to even.</summary>
    public static void Narrow<T>(VectorTier tier, ReadOnlySpan<float> source, Span<T> destination)
        where T : unmanaged
    {
        ref var from = ref MemoryMarshal.GetReference(source);
        ref var to = ref MemoryMarshal.GetReference(destination);
        var i = 0;
        if (tier >= VectorTier.Vector512)
        {
            for (; i <= source.Length - (2 * Lanes512.Count); i += 2 * Lanes512.Count)
            {
                Lanes512.Store(Vector512.LoadUnsafe(ref from, (nuint)i), Vector512.LoadUnsafe(ref from, (nuint)(i + Lanes512.Count)), ref Unsafe.Add(ref to, i));
            }
        }

        if (tier >= VectorTier.Vector256)
        {
            for (; i <= source.Length - (2 * Lanes256.Count); i += 2 * Lanes256.Count)
            {
                Lanes256.Store(Vector256.LoadUnsafe(ref from, (nuint)i), Vector256.LoadUnsafe(ref from, (nuint)(i + Lanes256.Count)), ref Unsafe.Add(ref to, i));
            }
        }

        if (tier >= VectorTier.Vector128)
        {
            for (; i <= source.Length - (2 * Lanes128.Count); i += 2 * Lanes128.Count)
            {
                Lanes128.Store(Vector128.LoadUnsafe(ref from, (nuint)i), Vector128.LoadUnsafe(ref from, (nuint)(i + Lanes128.Count)), ref Unsafe.Add(ref to, i));
            }
        }

        for (; i < source.Length; i++)
        {
            Unsafe.Add(ref to, i) = Precision<T>.FromSingle(Unsafe.Add(ref from, i));
        }
    }
}
