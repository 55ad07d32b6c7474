using System.Globalization;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;

namespace Rtn.Benchmarks.Infrastructure;

/// <summary>GB/s, GFLOP/s per core, or bandwidth as a fraction of the case's baseline, from the mean time.</summary>
public sealed class ThroughputColumn : IColumn
{
    private readonly Kind kind;

    private ThroughputColumn(Kind kind) => this.kind = kind;

    private enum Kind
    {
        Bandwidth,
        FlopsPerCore,
        BandwidthOfBaseline,
    }

    public static IColumn Bandwidth { get; } = new ThroughputColumn(Kind.Bandwidth);

    public static IColumn FlopsPerCore { get; } = new ThroughputColumn(Kind.FlopsPerCore);

    public static IColumn BandwidthOfBaseline { get; } = new ThroughputColumn(Kind.BandwidthOfBaseline);

    public string Id => $"{nameof(ThroughputColumn)}.{kind}";

    public string ColumnName => kind switch
    {
        Kind.Bandwidth => "GB/s",
        Kind.FlopsPerCore => "GFLOP/s/core",
        _ => "GB/s ÷ baseline",
    };

    public bool AlwaysShow => true;

    public ColumnCategory Category => ColumnCategory.Custom;

    public int PriorityInCategory => (int)kind;

    public bool IsNumeric => true;

    public UnitType UnitType => UnitType.Dimensionless;

    public string Legend => kind switch
    {
        Kind.Bandwidth => "Bytes read plus bytes written per second, in 10^9",
        Kind.FlopsPerCore => "Floating-point operations per second per core (all cores run), in 10^9",
        _ => "GB/s of this case divided by GB/s of its baseline",
    };

    public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;

    public bool IsAvailable(Summary summary) => true;

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase) => GetValue(summary, benchmarkCase, summary.Style);

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style)
    {
        var value = kind switch
        {
            Kind.Bandwidth => Rate(summary, benchmarkCase, static work => work.Bytes),
            Kind.FlopsPerCore => Rate(summary, benchmarkCase, static work => work.Flops) / Environment.ProcessorCount,
            _ => Rate(summary, benchmarkCase, static work => work.Bytes) / Rate(summary, summary.GetBaseline(summary.GetLogicalGroupKey(benchmarkCase)), static work => work.Bytes),
        };
        return double.IsFinite(value) && value > 0 ? value.ToString(kind == Kind.BandwidthOfBaseline ? "0.00" : "0.0", CultureInfo.InvariantCulture) : "-";
    }

    public override string ToString() => ColumnName;

    /// <summary>Work per second in 10^9, or NaN without a result.</summary>
    private static double Rate(Summary summary, BenchmarkCase? benchmarkCase, Func<Work, double> measure)
    {
        if (benchmarkCase is null || summary[benchmarkCase]?.ResultStatistics is not { } statistics)
        {
            return double.NaN;
        }

        var workOf = benchmarkCase.Descriptor.Type.GetMethod(nameof(IMeasuredWork.WorkOf));
        var work = (Work)workOf!.Invoke(null, [benchmarkCase])!;
        return measure(work) / statistics.Mean;
    }
}
