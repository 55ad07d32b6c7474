using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Rtn.Kernels.Simd;

/// <summary>
/// Whole runs of elements converted to and from fp32 at the widest tier allowed, bit for bit as
/// <see cref="Precision{T}"/>; a tail is covered by one last vector overlapping the previous one.
/// </summary>
internal static class ElementConversions
{
    /// <summary>Widens <paramref name="source"/> to fp32, exactly.</summary>
    public static void Widen<T>(VectorTier tier, ReadOnlySpan<T> source, Span<float> destination)
        where T : unmanaged
    {
        var loop = new WidenLoop<T>(source, destination);
        Tiers.Run(tier, ref loop);
    }

    /// <summary>Rounds <paramref name="source"/> to <typeparamref name="T"/>, to nearest, ties to even.</summary>
    public static void Narrow<T>(VectorTier tier, ReadOnlySpan<float> source, Span<T> destination)
        where T : unmanaged
    {
        var loop = new NarrowLoop<T>(source, destination);
        Tiers.Run(tier, ref loop);
    }

    private readonly ref struct WidenLoop<T>(ReadOnlySpan<T> source, Span<float> destination) : IWidthLoop
        where T : unmanaged
    {
        private readonly ReadOnlySpan<T> source = source;
        private readonly Span<float> destination = destination;

        bool IWidthFit.Fits(int lanes) => source.Length >= lanes;

        [MethodImpl(MethodImplOptions.NoInlining)]
        void IWidthLoop.Run<TWidth, TVector>()
        {
            ref var from = ref MemoryMarshal.GetReference(source);
            ref var to = ref MemoryMarshal.GetReference(destination);
            var last = source.Length - TWidth.Count;
            for (var i = 0; ; i += TWidth.Count)
            {
                i = Math.Min(i, last);
                TWidth.Store(Lanes<TWidth, TVector>.Load(ref Unsafe.Add(ref from, i)), ref Unsafe.Add(ref to, i));
                if (i == last)
                {
                    return;
                }
            }
        }

        void IWidthLoop.RunScalar()
        {
            for (var i = 0; i < source.Length; i++)
            {
                destination[i] = Precision<T>.ToSingle(source[i]);
            }
        }
    }

    private readonly ref struct NarrowLoop<T>(ReadOnlySpan<float> source, Span<T> destination) : IWidthLoop
        where T : unmanaged
    {
        private readonly ReadOnlySpan<float> source = source;
        private readonly Span<T> destination = destination;

        bool IWidthFit.Fits(int lanes) => source.Length >= 2 * lanes;

        [MethodImpl(MethodImplOptions.NoInlining)]
        void IWidthLoop.Run<TWidth, TVector>()
        {
            ref var from = ref MemoryMarshal.GetReference(source);
            ref var to = ref MemoryMarshal.GetReference(destination);
            var chunk = 2 * TWidth.Count;
            var last = source.Length - chunk;
            for (var i = 0; ; i += chunk)
            {
                i = Math.Min(i, last);
                Lanes<TWidth, TVector>.Store(TWidth.Load(ref Unsafe.Add(ref from, i)), TWidth.Load(ref Unsafe.Add(ref from, i + TWidth.Count)), ref Unsafe.Add(ref to, i));
                if (i == last)
                {
                    return;
                }
            }
        }

        void IWidthLoop.RunScalar()
        {
            for (var i = 0; i < source.Length; i++)
            {
                destination[i] = Precision<T>.FromSingle(source[i]);
            }
        }
    }
}
