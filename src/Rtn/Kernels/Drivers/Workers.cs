namespace Rtn.Kernels.Drivers;

/// <summary>A slice of a kernel call's work: items (rows or row blocks) <c>[start, end)</c>.</summary>
internal interface IWorkItem
{
    void Run(int start, int end);
}

/// <summary>
/// Splits a call's items into contiguous ranges, one per thread. Every output value is computed
/// by exactly one range, in the same order whatever the split, so results do not depend on the
/// thread count.
/// </summary>
internal static class Workers
{
    /// <summary>Work below which another thread costs more than it saves, in weight elements (settable for tests).</summary>
    public static long MinElementsPerThread { get; set; } = 1 << 15;

    /// <summary>Runs <paramref name="work"/> over <paramref name="items"/> items of <paramref name="elementsPerItem"/> elements each.</summary>
    public static void Run<TWork>(TWork work, int items, long elementsPerItem, int maxThreads)
        where TWork : struct, IWorkItem
    {
        var byWork = Math.Max(1, items * elementsPerItem / Math.Max(1, MinElementsPerThread));
        var parts = (int)Math.Min(Math.Min(maxThreads, items), byWork);
        if (parts <= 1)
        {
            work.Run(0, items);
        }
        else
        {
            RunParallel(work, items, parts);
        }
    }

    // Apart from Run: the closure is allocated on entry to the method that declares it, and a
    // call on one thread allocates nothing.
    private static void RunParallel<TWork>(TWork work, int items, int parts)
        where TWork : struct, IWorkItem =>
        Parallel.For(0, parts, new ParallelOptions { MaxDegreeOfParallelism = parts }, part =>
            work.Run((int)((long)part * items / parts), (int)((long)(part + 1) * items / parts)));
}
