using System.Buffers;
using Rtn.Kernels.Simd;

namespace Rtn.Kernels.Drivers;

/// <summary>Dequantize for one scheme, row by row: the row's scales widened once, then the row's groups.</summary>
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
            ElementConversions.Widen(Tier, new ReadOnlySpan<T>(Scales + ((long)row * scales.Length), scales.Length), scales);
            ref var codes = ref *(Packed + ((long)row * (SchemeConstants<TScheme>.IsInt4 ? Columns / 2 : Columns)));
            DequantizeLoops.Row<TScheme, T>(Tier, ref codes, SchemeConstants<TScheme>.GroupSizeOf(GroupSize), scales, ref *(Weights + ((long)row * Columns)), Format);
        }
    }
}
