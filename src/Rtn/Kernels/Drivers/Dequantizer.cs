using System.Buffers;
using System.Runtime.CompilerServices;
using Rtn.Kernels.Simd;

namespace Rtn.Kernels.Drivers;

/// <summary>Dequantize for one scheme, row by row: the row's scales widened once, then each group's run.</summary>
internal static unsafe class Dequantizer<TScheme>
    where TScheme : struct, IRtnScheme
{
    public static void Dequantize<T>(RtnConfig config, ReadOnlySpan<byte> packed, ReadOnlySpan<T> scales, int rows, int columns, Span<T> weights, RtnFormat format, KernelOptions options)
        where T : unmanaged
    {
        var validated = KernelArguments.ForWeights<T>(config, rows, columns, weights.Length, packed.Length, scales.Length);
        var (tier, threads) = (options.ResolveTier(), options.ResolveThreads());
        fixed (byte* p = packed)
        fixed (T* s = scales)
        fixed (T* w = weights)
        {
            var work = new RowWork<T>
            {
                Packed = p,
                Scales = s,
                Weights = w,
                Columns = columns,
                GroupSize = SchemeConstants<TScheme>.GroupSizeOf(validated),
                Format = format,
                Tier = tier,
            };
            Workers.Run(work, rows, columns, threads);
        }
    }

    private struct RowWork<T> : IWorkItem
        where T : unmanaged
    {
        public byte* Packed;
        public T* Scales;
        public T* Weights;
        public int Columns;
        public int GroupSize;
        public RtnFormat Format;
        public VectorTier Tier;

        public readonly void Run(int start, int end)
        {
            var groups = Columns / SchemeConstants<TScheme>.GroupSizeOf(GroupSize);
            var rented = ArrayPool<float>.Shared.Rent(groups);
            try
            {
                for (var row = start; row < end; row++)
                {
                    DequantizeRow(row, rented.AsSpan(0, groups));
                }
            }
            finally
            {
                ArrayPool<float>.Shared.Return(rented);
            }
        }

        private readonly void DequantizeRow(int row, Span<float> scales)
        {
            var g = SchemeConstants<TScheme>.GroupSizeOf(GroupSize);
            ElementConversions.Widen(Tier, new ReadOnlySpan<T>(Scales + ((long)row * scales.Length), scales.Length), scales);
            ref var codes = ref *(Packed + ((long)row * (SchemeConstants<TScheme>.IsInt4 ? Columns / 2 : Columns)));
            ref var values = ref *(Weights + ((long)row * Columns));
            if (SchemeConstants<TScheme>.IsInt4 && (g & 1) != 0)
            {
                // Odd groups at 4 bits: a byte can hold values of two groups.
                var offsetMask = SchemeConstants<TScheme>.OffsetMask(Format);
                for (var j = 0; j < scales.Length; j++)
                {
                    DequantizeLoops.RunScalar<TScheme, T>(ref codes, j * g, g, scales[j], ref Unsafe.Add(ref values, j * g), offsetMask);
                }

                return;
            }

            for (var j = 0; j < scales.Length; j++)
            {
                ref var groupCodes = ref Unsafe.Add(ref codes, SchemeConstants<TScheme>.IsInt4 ? j * g / 2 : j * g);
                DequantizeLoops.Run<TScheme, T>(Tier, ref groupCodes, g, scales[j], ref Unsafe.Add(ref values, j * g), Format);
            }
        }
    }
}
