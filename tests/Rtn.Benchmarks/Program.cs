using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Running;
using Rtn.Benchmarks.Infrastructure;

// One run for every benchmark keeps their ratios comparable on a shared machine, e.g.
//   dotnet run -c Release --project tests/Rtn.Benchmarks -- --filter '*' --job short
var config = DefaultConfig.Instance
    .AddColumn(ThroughputColumn.Bandwidth, ThroughputColumn.BandwidthOfBaseline, ThroughputColumn.FlopsPerCore);
BenchmarkSwitcher.FromAssembly(typeof(ThroughputColumn).Assembly).Run(args, config);
