using System.Text.RegularExpressions;
using Rtn.Cli.Pipeline.Evaluation;
using Rtn.Cli.Pipeline.Jobs;
using Rtn.Cli.Pipeline.Planning;
using Rtn.Safetensors;

namespace Rtn.Cli.Samples;

/// <summary>One quantized copy of the sample model and how it compares with the original.</summary>
internal sealed record DemoCheckpoint(RtnConfig Config, QuantizeResult Quantized, ComparisonResult Comparison);

/// <summary>Everything the demo found.</summary>
internal sealed record DemoResult(string Folder, SampleModelSpec Spec, long Parameters, long OriginalBytes, IReadOnlyList<DemoCheckpoint> Checkpoints, IReadOnlyList<LayerTiming> Layer);

/// <summary>
/// The demo: writes a seeded sample model, quantizes it with each configuration, measures the
/// error, and runs one fused layer quantized next to dense. Everything happens in
/// <paramref name="folder"/>; the caller removes it. <c>Run</c> stops at the next step, between
/// tensors of a quantization or between timed calls of the layer, once <c>cancellation</c> is cancelled.
/// </summary>
internal sealed partial class DemoScenario(string folder, SampleModelSpec spec, IReadOnlyList<RtnConfig> configs, KernelOptions options)
{
    private const int Seed = 2024;

    public DemoResult Run(Action<string> status, Action<string> warn, CancellationToken cancellation = default)
    {
        var original = Path.Combine(folder, "original");
        status($"Writing a {spec.Layers}-block Llama-style sample model to {original} ...");
        var parameters = SampleModel.Write(original, spec, Seed);

        var checkpoints = new List<DemoCheckpoint>();
        foreach (var config in configs)
        {
            var output = Path.Combine(folder, config.Name);
            cancellation.ThrowIfCancellationRequested();
            status($"Quantizing to {config.Name} ...");
            var settings = new QuantizeSettings(new QuantizationScheme(config, RtnFormat.Signed, []), SkipRule.Defaults, SkipUnfit: false, options);
            var quantized = new ModelQuantizer(settings).Run(original, output, warn, outputOptions: new OutputOptions(Force: false, cancellation));
            var comparison = new ModelComparer(options).Compare(original, output, warn);
            checkpoints.Add(new DemoCheckpoint(config, quantized, comparison));
        }

        cancellation.ThrowIfCancellationRequested();
        status("Running layer 0's fused gate/up projection ...");
        using var checkpoint = SafetensorsCheckpoint.Open(original);
        var layer = LayerComparison.Run(checkpoint, "model.layers.0.mlp.gate_proj.weight", "model.layers.0.mlp.up_proj.weight", configs, options, cancellation);
        return new DemoResult(folder, spec, parameters, checkpoint.Tensors.Sum(t => t.Tensor.ByteLength), checkpoints, layer);
    }

    /// <summary>The error of each projection kind (q_proj, …, down_proj) over all blocks.</summary>
    public static IReadOnlyList<(string Projection, ErrorStatistics Error)> ByProjection(ComparisonResult comparison) =>
        [.. comparison.Tensors
            .GroupBy(t => ProjectionName().Match(t.Name) is { Success: true } m ? m.Groups[1].Value : t.Name)
            .Select(g => (g.Key, g.Aggregate(default(ErrorStatistics), (sum, t) => sum + t.Error)))];

    [GeneratedRegex(@"\.(\w+_proj)\.weight$")]
    private static partial Regex ProjectionName();
}
