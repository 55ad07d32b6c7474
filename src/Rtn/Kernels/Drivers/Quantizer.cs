using System.Buffers;
using System.Globalization;
using System.Runtime.InteropServices;
using Rtn.Kernels.Simd;

namespace Rtn.Kernels.Drivers;

/// <summary>
/// Quantize for one scheme, row by row: first every group's scale (one pass for the maxima, one
/// vectorized rounding of the row's scales to <c>T</c>), then every group's codes. Rows are
/// shared out between threads; each byte depends on its own group only.
/// </summary>
internal static unsafe class Quantizer<TScheme>
    where TScheme : struct, IRtnScheme
{
    public static void Quantize<T>(RtnConfig config, ReadOnlySpan<T> weights, int rows, int columns, Span<byte> packed, Span<T> scales, RtnFormat format, KernelOptions options)
        where T : unmanaged
    {
        var validated = KernelArguments.ForWeights<T>(config, rows, columns, weights.Length, packed.Length, scales.Length);
        var (tier, threads) = (options.ResolveTier(), options.ResolveThreads());
        var firstNonFinite = -1L;
        fixed (T* w = weights)
        fixed (byte* p = packed)
        fixed (T* s = scales)
        {
            var work = new RowWork<T>
            {
                Weights = w,
                Packed = p,
                Scales = s,
                Columns = columns,
                GroupSize = SchemeConstants<TScheme>.GroupSizeOf(validated),
                OffsetMask = SchemeConstants<TScheme>.OffsetMask(format),
                Tier = tier,
                FirstNonFinite = &firstNonFinite,
            };
            Workers.Run(work, rows, columns, threads);
        }

        if (firstNonFinite >= 0)
        {
            var shape = WeightShape.Matrix(rows, columns);
            var value = Precision<T>.ToSingle(weights[(int)firstNonFinite]).ToString(CultureInfo.InvariantCulture);
            throw new ArgumentException(
                $"Weight {shape} has a non-finite value ({value}) at {shape.FormatPosition(firstNonFinite)}; RTN quantizes finite values only.",
                nameof(weights));
        }
    }

    private struct RowWork<T> : IWorkItem
        where T : unmanaged
    {
        public T* Weights;
        public byte* Packed;
        public T* Scales;
        public int Columns;
        public int GroupSize;
        public byte OffsetMask;
        public VectorTier Tier;

        /// <summary>Lowest flat index of a NaN or infinity found so far, or -1.</summary>
        public long* FirstNonFinite;

        public readonly void Run(int start, int end)
        {
            var groups = Columns / SchemeConstants<TScheme>.GroupSizeOf(GroupSize);
            var rented = ArrayPool<float>.Shared.Rent(groups);
            try
            {
                for (var row = start; row < end && QuantizeRow(row, rented.AsSpan(0, groups)); row++)
                {
                }
            }
            finally
            {
                ArrayPool<float>.Shared.Return(rented);
            }
        }

        /// <summary>Quantizes one row; false when it holds a value that is not finite.</summary>
        private readonly bool QuantizeRow(int row, Span<float> scales)
        {
            var g = SchemeConstants<TScheme>.GroupSizeOf(GroupSize);
            var values = new ReadOnlySpan<T>(Weights + ((long)row * Columns), Columns);
            var maxima = MemoryMarshal.Cast<float, uint>(scales);
            QuantizeLoops.MaxMagnitudeBits(Tier, values, g, maxima);
            for (var j = 0; j < scales.Length; j++)
            {
                if (maxima[j] >= 0x7F80_0000)
                {
                    RecordNonFinite(((long)row * Columns) + (j * g) + FirstNonFiniteIn(values.Slice(j * g, g)));
                    return false;
                }

                // docs/rtn-spec.md, "Quantize" step 2: fp32(2m) · fp32(1/(Q-1)), then rounded to T.
                scales[j] = 2f * BitConverter.UInt32BitsToSingle(maxima[j]) * SchemeConstants<TScheme>.Reciprocal;
            }

            var stored = new Span<T>(Scales + ((long)row * scales.Length), scales.Length);
            if (typeof(T) == typeof(float))
            {
                scales.CopyTo(MemoryMarshal.Cast<T, float>(stored));
            }
            else
            {
                ElementConversions.Narrow(Tier, scales, stored);
                ElementConversions.Widen<T>(Tier, stored, scales);
            }

            var rowBytes = SchemeConstants<TScheme>.IsInt4 ? Columns / 2 : Columns;
            QuantizeLoops.Codes<TScheme, T>(Tier, values, g, scales, new Span<byte>(Packed + ((long)row * rowBytes), rowBytes), OffsetMask);
            return true;
        }

        private readonly void RecordNonFinite(long index)
        {
            long seen;
            do
            {
                seen = Volatile.Read(ref *FirstNonFinite);
                if (seen >= 0 && seen <= index)
                {
                    return;
                }
            }
            while (Interlocked.CompareExchange(ref *FirstNonFinite, index, seen) != seen);
        }

        private static int FirstNonFiniteIn(ReadOnlySpan<T> group)
        {
            var i = 0;
            while (float.IsFinite(Precision<T>.ToSingle(group[i])))
            {
                i++;
            }

            return i;
        }
    }
}
