using System.CommandLine;
using System.Globalization;
using Rtn.Cli.Pipeline.Formats;
using Rtn.Cli.Rendering;
using Rtn.Gpu;
using Rtn.Safetensors;

namespace Rtn.Cli.Commands;

/// <summary>Options several commands share, and the rules for reading them.</summary>
internal static class CommonOptions
{
    public static Option<int?> Bits(string description) =>
        NumberOptions.Integer(
            new Option<int?>("--bits", "-b") { Description = description, HelpName = "4|8" },
            bits => bits is 4 or 8,
            "4 or 8");

    public static Option<int?> GroupSize(string description) =>
        NumberOptions.Integer(
            new Option<int?>("--group-size", "-g") { Description = description, HelpName = "N|-1" },
            RtnConfig.IsSupportedGroupSize,
            "positive or -1 (one group per row)");

    /// <summary><c>--format signed|offset</c>; read it with <see cref="FormatOf"/>.</summary>
    public static Option<string> Format(string description) =>
        new Option<string>("--format", "-f")
        {
            Description = description,
            HelpName = "signed|offset",
            DefaultValueFactory = _ => "signed",
        }.AcceptOnlyFromAmong("signed", "offset");

    public static RtnFormat FormatOf(string? text) => QuantizationMetadata.ParseFormat(text ?? "signed") ?? RtnFormat.Signed;

    /// <summary><c>--dtype f32|f16|bf16</c>; read it with <see cref="DTypeOf"/>.</summary>
    public static Option<string> DType(string description) =>
        new Option<string>("--dtype")
        {
            Description = description,
            HelpName = "f32|f16|bf16",
            DefaultValueFactory = _ => "bf16",
        }.AcceptOnlyFromAmong("f32", "f16", "bf16");

    public static SafetensorsDType DTypeOf(string? text) => text switch
    {
        "f32" => SafetensorsDType.F32,
        "f16" => SafetensorsDType.F16,
        _ => SafetensorsDType.BF16,
    };

    /// <summary><c>--backend auto|cuda|opencl|cpu</c>; read it with <see cref="BackendOf"/>.</summary>
    public static Option<string> Backend() =>
        new Option<string>("--backend")
        {
            Description = "ILGPU accelerator: auto takes CUDA, else OpenCL, else ILGPU's CPU accelerator (which checks logic, not speed).",
            HelpName = "auto|cuda|opencl|cpu",
            DefaultValueFactory = _ => "auto",
        }.AcceptOnlyFromAmong("auto", "cuda", "opencl", "cpu");

    public static GpuBackend BackendOf(string? text) => text switch
    {
        "cuda" => GpuBackend.Cuda,
        "opencl" => GpuBackend.OpenCL,
        "cpu" => GpuBackend.Cpu,
        _ => GpuBackend.Auto,
    };

    /// <summary><c>--threads</c>: 0 (every core) up to the cores this machine has.</summary>
    public static Option<int> Threads() =>
        NumberOptions.Integer(
            new Option<int>("--threads", "-t") { HelpName = "N", Description = "Threads for the kernels; 0 uses every core.", DefaultValueFactory = _ => 0 },
            threads => threads >= 0 && threads <= Environment.ProcessorCount,
            string.Create(CultureInfo.InvariantCulture, $"0 (every core) or a whole number up to {Environment.ProcessorCount}, the cores of this machine"));

    /// <summary><c>--force</c>: replace an existing output.</summary>
    public static Option<bool> Force() =>
        new("--force") { Description = "Replace an existing output. It is replaced only once the new output is complete; any failure leaves it as it was." };

    /// <summary>
    /// A folder input (or an index) gives a folder output, so an output named like a file is a
    /// mistake, refused before anything is read.
    /// </summary>
    /// <exception cref="UsageException">A folder input with a <c>.safetensors</c> output.</exception>
    public static void CheckOutputPath(string input, string output)
    {
        var folderInput = Directory.Exists(input) || input.EndsWith(".safetensors.index.json", StringComparison.OrdinalIgnoreCase);
        if (folderInput && output.EndsWith(".safetensors", StringComparison.OrdinalIgnoreCase) && !Directory.Exists(output))
        {
            throw new UsageException($"{input} is a model folder, so the output is a folder too, but {output} is named like a file; give a folder name.");
        }
    }

    /// <summary>
    /// The configuration from <c>--bits</c> and <c>--group-size</c>, falling back to
    /// RTN_NUM_BITS and RTN_GROUP_SIZE (vLLM's variables), then 8 and 128.
    /// </summary>
    /// <exception cref="UsageException">An RTN_* variable is malformed.</exception>
    public static RtnConfig ResolveConfig(int? bits, int? groupSize, ToolConsole console)
    {
        try
        {
            var defaults = bits is null || groupSize is null ? RtnConfig.FromEnvironment(console.Environment) : null;
            return new RtnConfig(bits ?? defaults!.Bits, groupSize ?? defaults!.GroupSize);
        }
        catch (Exception e) when (e is FormatException or ArgumentException)
        {
            throw new UsageException(Messages.Clean(e));
        }
    }

    public static string DefaultsNote =>
        $"Default: ${RtnConfig.BitsVariable}, else 8 (bits); ${RtnConfig.GroupSizeVariable}, else 128 (group size).";
}
