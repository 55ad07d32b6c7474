using System.Globalization;
using System.Text.Json;

namespace Rtn;

/// <summary>
/// What RTN quantizes to: the number of bits per weight and how many consecutive input
/// columns share one scale. Mirrors vLLM's <c>RTNConfig</c>. A value of this type is a
/// combination that has been checked, so code that receives one need not check it again.
/// </summary>
/// <remarks>
/// The byte layout (<see cref="RtnFormat"/>) is not part of the combination: one kernel set
/// serves both layouts, which are an argument of each call, and vLLM's
/// <c>quantization_config</c> has no layout. Callers carry the layout beside the configuration.
/// </remarks>
public sealed record RtnConfig
{
    /// <summary>The quantization method's name, as vLLM and <c>quantization_config</c> spell it.</summary>
    public const string MethodName = "rtn";

    /// <summary>The group size that means "one group per row".</summary>
    public const int PerRow = -1;

    /// <summary>Environment variable giving the default bits (vLLM's <c>RTN_NUM_BITS</c>).</summary>
    public const string BitsVariable = "RTN_NUM_BITS";

    /// <summary>Environment variable giving the default group size (vLLM's <c>RTN_GROUP_SIZE</c>).</summary>
    public const string GroupSizeVariable = "RTN_GROUP_SIZE";

    /// <summary>Creates a configuration, rejecting bits other than 4 or 8 and group sizes other than -1 or positive.</summary>
    public RtnConfig(int bits, int groupSize)
    {
        if (!IsSupportedBits(bits))
        {
            throw new ArgumentOutOfRangeException(nameof(bits), bits,
                $"RTN supports 4-bit or 8-bit weights, but got {bits} bits.");
        }

        if (!IsSupportedGroupSize(groupSize))
        {
            throw new ArgumentOutOfRangeException(nameof(groupSize), groupSize,
                $"RTN group size must be positive or -1 (one group per row), but got {groupSize}.");
        }

        Bits = bits;
        GroupSize = groupSize;
    }

    /// <summary>Bits per quantized weight: 4 or 8.</summary>
    public int Bits { get; }

    /// <summary>Columns per scale, or <see cref="PerRow"/>.</summary>
    public int GroupSize { get; }

    /// <summary>
    /// The combination's name, as the source generator names its scheme types:
    /// <c>Q4G128</c>, or <c>Q8Row</c> for one group per row.
    /// </summary>
    public string Name =>
        GroupSize == PerRow
            ? string.Create(CultureInfo.InvariantCulture, $"Q{Bits}Row")
            : string.Create(CultureInfo.InvariantCulture, $"Q{Bits}G{GroupSize}");

    /// <summary>Smallest code, <c>-2^(bits-1)</c>.</summary>
    public int MinCode => -(1 << (Bits - 1));

    /// <summary>Largest code, <c>2^(bits-1) - 1</c>.</summary>
    public int MaxCode => (1 << (Bits - 1)) - 1;

    /// <summary>vLLM's defaults: <c>RTN_NUM_BITS</c> (8) and <c>RTN_GROUP_SIZE</c> (128) from the process environment.</summary>
    public static RtnConfig FromEnvironment() =>
        FromEnvironment(Environment.GetEnvironmentVariable);

    /// <summary>vLLM's defaults, read through <paramref name="lookup"/> (for callers that keep their own environment).</summary>
    public static RtnConfig FromEnvironment(Func<string, string?> lookup)
    {
        ArgumentNullException.ThrowIfNull(lookup);
        return new RtnConfig(
            ReadIntegerVariable(lookup, BitsVariable, 8, IsSupportedBits, "4 or 8"),
            ReadIntegerVariable(lookup, GroupSizeVariable, 128, IsSupportedGroupSize, "a positive integer or -1"));
    }

    /// <summary>
    /// Reads a model's <c>quantization_config</c> object: <c>bits</c> and <c>group_size</c> are
    /// required; <c>quant_method</c>, when present, must be <c>rtn</c>.
    /// </summary>
    public static RtnConfig FromQuantizationConfig(JsonElement quantizationConfig)
    {
        if (quantizationConfig.ValueKind != JsonValueKind.Object)
        {
            throw new FormatException(
                $"quantization_config must be a JSON object, but it is {quantizationConfig.ValueKind}.");
        }

        if (quantizationConfig.TryGetProperty("quant_method", out var method)
            && !(method.ValueKind == JsonValueKind.String && method.GetString() == MethodName))
        {
            throw new FormatException(
                $"quantization_config.quant_method must be \"{MethodName}\", but it is {method.GetRawText()}.");
        }

        return new RtnConfig(
            ReadRequiredInteger(quantizationConfig, "bits"),
            ReadRequiredInteger(quantizationConfig, "group_size"));
    }

    /// <summary>Parses <paramref name="json"/> as a <c>quantization_config</c> object.</summary>
    public static RtnConfig FromQuantizationConfig(string json)
    {
        using var document = JsonDocument.Parse(json);
        return FromQuantizationConfig(document.RootElement);
    }

    /// <summary>
    /// The group size that applies to a matrix with <paramref name="columns"/> columns: the
    /// configured one, or <paramref name="columns"/> itself when quantizing per row.
    /// </summary>
    public int GroupSizeFor(int columns) => GroupSize == PerRow ? columns : GroupSize;

    /// <summary>
    /// Checks that an <c>[R, C]</c> matrix (or each slice of a stack) can be quantized with this
    /// configuration and returns the group size that applies to it.
    /// </summary>
    /// <exception cref="ArgumentException">The shape does not fit; the message names R, C and the group size.</exception>
    public int Validate(WeightShape shape)
    {
        var (rows, columns) = (shape.Rows, shape.Columns);
        if (GroupSize != PerRow && columns % GroupSize != 0)
        {
            throw new ArgumentException(
                $"Weight {shape} has C = {columns} columns, which group size {GroupSize} does not divide (R = {rows}, C = {columns}, g = {GroupSize}).",
                nameof(shape));
        }

        if (Bits == 4 && (rows % 2 != 0 || columns % 2 != 0))
        {
            throw new ArgumentException(
                $"4-bit weights pack two values per byte, so R and C must both be even, but weight {shape} has R = {rows}, C = {columns}.",
                nameof(shape));
        }

        return GroupSizeFor(columns);
    }

    /// <summary>vLLM's representation under this type's name: <c>RtnConfig(weight_bits=4, group_size=128)</c>.</summary>
    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"RtnConfig(weight_bits={Bits}, group_size={GroupSize})");

    /// <summary>Whether <paramref name="bits"/> is a supported width: 4 or 8.</summary>
    public static bool IsSupportedBits(int bits) => bits is 4 or 8;

    /// <summary>Whether <paramref name="groupSize"/> is a supported group size: positive, or <see cref="PerRow"/>.</summary>
    public static bool IsSupportedGroupSize(int groupSize) => groupSize == PerRow || groupSize > 0;

    // An unsupported value read from the environment is reported under the variable's name:
    // the constructor's message would name a parameter the user never wrote.
    private static int ReadIntegerVariable(
        Func<string, string?> lookup, string name, int fallback, Func<int, bool> isSupported, string expectation)
    {
        var text = lookup(name);
        if (string.IsNullOrWhiteSpace(text))
        {
            return fallback;
        }

        if (!int.TryParse(text.Trim(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value)
            || !isSupported(value))
        {
            throw new FormatException($"Environment variable {name} must be {expectation}, but it is \"{text}\".");
        }

        return value;
    }

    private static int ReadRequiredInteger(JsonElement config, string key)
    {
        if (!config.TryGetProperty(key, out var element))
        {
            throw new FormatException($"quantization_config has no \"{key}\"; RTN requires \"bits\" and \"group_size\".");
        }

        if (element.ValueKind != JsonValueKind.Number || !element.TryGetInt32(out var value))
        {
            throw new FormatException($"quantization_config.{key} must be an integer, but it is {element.GetRawText()}.");
        }

        return value;
    }
}
