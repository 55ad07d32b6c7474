namespace Rtn.Tests.Kernels;

public class AllocationTests
{
    [Theory]
    [InlineData(4)]
    [InlineData(8)]
    public void Kernels_OneThreadAfterWarmUp_AllocateNothing(int bits)
    {
        const int Rows = 64, Columns = 256;
        var kernels = RtnKernels.For(bits, 128);
        var options = new KernelOptions { MaxThreads = 1 };
        var weights = RandomWeights.Normal<BFloat16>(Rows * Columns, new Random(1));
        var packed = new byte[Rows * Columns * bits / 8];
        var scales = new BFloat16[Rows * Columns / 128];
        var x = RandomWeights.Normal<BFloat16>(8 * Columns, new Random(2));
        var y = new BFloat16[8 * Rows];

        void Calls()
        {
            kernels.Quantize<BFloat16>(weights, Rows, Columns, packed, scales, RtnFormat.Signed, options);
            kernels.Dequantize<BFloat16>(packed, scales, Rows, Columns, weights, RtnFormat.Signed, options);
            kernels.MatMul<BFloat16>(x.AsSpan(0, Columns), 1, packed, scales, Rows, Columns, ReadOnlySpan<BFloat16>.Empty, y.AsSpan(0, Rows), RtnFormat.Signed, options);
            kernels.MatMul<BFloat16>(x, 8, packed, scales, Rows, Columns, ReadOnlySpan<BFloat16>.Empty, y, RtnFormat.Signed, options);
        }

        // A garbage collection caused by tests running beside this one trims the shared array
        // pool, and the next rent allocates again; one clean attempt in three shows the kernels
        // themselves allocate nothing.
        var allocated = new long[3];
        for (var attempt = 0; attempt < allocated.Length; attempt++)
        {
            Calls();
            var before = GC.GetAllocatedBytesForCurrentThread();
            Calls();
            allocated[attempt] = GC.GetAllocatedBytesForCurrentThread() - before;
        }

        allocated.Min().ShouldBe(0, $"bytes allocated in each attempt: {string.Join(", ", allocated)}");
    }
}
