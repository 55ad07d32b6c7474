namespace Rtn.Cli.Diagnostics.Benchmarks;

/// <summary>
/// One timed kernel next to a device-to-device copy moving the same traffic in the same run.
/// </summary>
/// <param name="Name">What ran, e.g. <c>quantize Q4G128 BF16 4096x4096</c>.</param>
/// <param name="Bytes">Bytes the kernel reads plus bytes it writes, once per call.</param>
/// <param name="Seconds">Device time per call.</param>
/// <param name="GigabytesPerSecond"><see cref="Bytes"/> / <see cref="Seconds"/>, in 10^9 bytes per second.</param>
/// <param name="CopyGigabytesPerSecond">The copy's bandwidth, counted the same way.</param>
/// <param name="RatioToCopy">Kernel bandwidth over copy bandwidth: 1 means as fast as moving the bytes can be.</param>
internal sealed record GpuKernelTiming(
    string Name, long Bytes, double Seconds, double GigabytesPerSecond, double CopyGigabytesPerSecond, double RatioToCopy);
