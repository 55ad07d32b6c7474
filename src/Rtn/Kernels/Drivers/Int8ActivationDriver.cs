using System.Buffers;
using Rtn.Kernels.Simd;

namespace Rtn.Kernels.Drivers;

/// <summary>
/// <c>y = x · W'ᵀ + bias</c> with int8 activations (docs/rtn-spec.md, "Linear with int8
/// activations") for one scheme: every activation row is quantized once per call, then weight
/// rows are shared out between threads in blocks of four, and every activation row meets a
/// block while its codes are still in cache. Each output is computed by one thread in one
/// order, whatever the thread count.
/// </summary>
internal static unsafe class Int8ActivationDriver<TScheme>
    where TScheme : struct, IRtnScheme
{
    private const int BlockRows = MatVecLoops.BlockRows;

    /// <summary>Called by <see cref="MatMulDriver{TScheme}"/> once the call is validated and <paramref name="g"/> resolved.</summary>
    public static void MatMul<T>(ReadOnlySpan<T> x, int m, ReadOnlySpan<byte> packed, ReadOnlySpan<T> scales, int rows, int columns, int g, ReadOnlySpan<T> bias, Span<T> y, RtnFormat format, KernelOptions options)
        where T : unmanaged
    {
        var allowed = options.ResolveTier();
        var tier = Int8ActivationLoops.TierFor<TScheme>(allowed, g);
        var groups = columns / g;
        var codes = ArrayPool<sbyte>.Shared.Rent((m + 1) * columns);
        // Each row's scales four times over, then the offset sums, then room for one row in fp32.
        var floats = ArrayPool<float>.Shared.Rent(((BlockRows + 1) * m * groups) + columns);
        try
        {
            var row = floats.AsSpan((BlockRows + 1) * m * groups, columns);
            for (var i = 0; i < m; i++)
            {
                var rowScales = floats.AsSpan(i * BlockRows * groups, BlockRows * groups);
                ElementConversions.Widen(tier, x.Slice(i * columns, columns), row);
                ActivationQuantizer.QuantizeRow(
                    allowed, row, g, SchemeConstants<TScheme>.IsInt4, 1 << (TScheme.Bits - 1), codes.AsSpan(m * columns, columns),
                    codes.AsSpan(i * columns, columns), rowScales[..groups], floats.AsSpan((BlockRows * m * groups) + (i * groups), groups));
                for (var k = 1; k < BlockRows; k++)
                {
                    rowScales[..groups].CopyTo(rowScales[(k * groups)..]);
                }
            }

            fixed (byte* p = packed)
            fixed (T* s = scales)
            fixed (T* b = bias)
            fixed (T* yp = y)
            fixed (sbyte* a = codes)
            fixed (float* f = floats)
            {
                var work = new Work<T>
                {
                    Packed = p,
                    Scales = s,
                    Bias = bias.IsEmpty ? null : b,
                    Y = yp,
                    Activations = a,
                    ActivationScales = f,
                    OffsetSums = f + (BlockRows * m * groups),
                    M = m,
                    Rows = rows,
                    Columns = columns,
                    GroupSize = g,
                    Format = format,
                    Tier = tier,
                };
                Workers.Run(work, (rows + BlockRows - 1) / BlockRows, (long)BlockRows * columns * m, options.ResolveThreads());
            }
        }
        finally
        {
            ArrayPool<float>.Shared.Return(floats);
            ArrayPool<sbyte>.Shared.Return(codes);
        }
    }

    private struct Work<T> : IWorkItem
        where T : unmanaged
    {
        public byte* Packed;
        public T* Scales;
        public T* Bias;
        public T* Y;
        public sbyte* Activations;
        public float* ActivationScales;
        public float* OffsetSums;
        public int M;
        public int Rows;
        public int Columns;
        public int GroupSize;
        public RtnFormat Format;
        public VectorTier Tier;

        public readonly void Run(int start, int end)
        {
            var first = start * BlockRows;
            var count = Math.Min(end * BlockRows, Rows) - first;
            var groups = Columns / GroupSize;
            var rowBytes = SchemeConstants<TScheme>.IsInt4 ? Columns / 2 : Columns;
            var rented = ArrayPool<float>.Shared.Rent((BlockRows * groups) + ((M + 1) * count));
            try
            {
                var bias = rented.AsSpan(0, count);
                var sums = rented.AsSpan(count, M * count);
                var products = rented.AsSpan((M + 1) * count, BlockRows * groups);
                if (Bias is null)
                {
                    bias.Clear();
                }
                else
                {
                    ElementConversions.Widen(Tier, new ReadOnlySpan<T>(Bias + first, count), bias);
                }

                Int8ActivationLoops.Rows<TScheme, T>(
                    Tier, ref *(Packed + ((long)first * rowBytes)), rowBytes, ref *(Scales + ((long)first * groups)), groups, count,
                    ref *Activations, ref *ActivationScales, ref *OffsetSums, M, Columns, GroupSize, Format, bias, sums, products);
                for (var i = 0; i < M; i++)
                {
                    ElementConversions.Narrow(Tier, sums.Slice(i * count, count), new Span<T>(Y + ((long)i * Rows) + first, count));
                }
            }
            finally
            {
                ArrayPool<float>.Shared.Return(rented);
            }
        }
    }
}
