namespace Rtn.Cli.Pipeline.Jobs;

/// <summary>How a command's output is written.</summary>
/// <param name="Force">Replace an existing output (only once the new one is complete).</param>
/// <param name="Cancellation">Stops the work between tensors and between slices of a tensor; the staged output is then removed.</param>
internal readonly record struct OutputOptions(bool Force, CancellationToken Cancellation);
