namespace Rtn.Cli.Pipeline.Formats;

/// <summary>How a quantized checkpoint is laid out; the codes and scales are the same in all three.</summary>
internal enum SaveFormat
{
    /// <summary>compressed-tensors <c>pack-quantized</c>: <c>P.weight_packed</c>, <c>P.weight_scale</c>, <c>P.weight_shape</c> (vLLM, transformers).</summary>
    CompressedTensors,

    /// <summary>MLX affine: <c>P.weight</c> (U32 words), <c>P.scales</c>, <c>P.biases</c> (mlx-lm).</summary>
    Mlx,

    /// <summary>This project's own layout: <c>P.weight</c> (I8 or U8 codes, vLLM's rtn shapes) and <c>P.scale</c>.</summary>
    Rtn,
}

internal static class SaveFormats
{
    public const string CompressedTensorsName = "compressed-tensors";
    public const string MlxName = "mlx";
    public const string RtnName = "rtn";

    public static string Name(this SaveFormat format) => format switch
    {
        SaveFormat.CompressedTensors => CompressedTensorsName,
        SaveFormat.Mlx => MlxName,
        _ => RtnName,
    };

    public static SaveFormat? Parse(string? text) => text switch
    {
        CompressedTensorsName => SaveFormat.CompressedTensors,
        MlxName => SaveFormat.Mlx,
        RtnName => SaveFormat.Rtn,
        _ => null,
    };
}
