using BenchmarkDotNet.Running;

namespace Rtn.Benchmarks.Infrastructure;

/// <summary>What one operation of a benchmark moves and computes, for the throughput columns.</summary>
/// <param name="Bytes">Bytes read plus bytes written.</param>
/// <param name="Flops">Floating-point operations (a fused multiply-add counts two).</param>
public readonly record struct Work(double Bytes, double Flops);

/// <summary>A benchmark class that can say how much work each of its cases does.</summary>
public interface IMeasuredWork
{
    static abstract Work WorkOf(BenchmarkCase benchmark);
}
