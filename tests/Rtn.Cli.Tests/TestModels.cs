using System.Runtime.InteropServices;
using Rtn.Safetensors;

namespace Rtn.Cli.Tests;

/// <summary>A tensor to write into a test checkpoint, with values given as floats and stored in <see cref="DType"/>.</summary>
internal sealed record TestTensor(string Name, SafetensorsDType DType, long[] Shape, float[] Values)
{
    public byte[] Bytes() => DType switch
    {
        SafetensorsDType.F32 => MemoryMarshal.AsBytes(Values.AsSpan()).ToArray(),
        SafetensorsDType.F16 => MemoryMarshal.AsBytes(Values.Select(v => (Half)v).ToArray().AsSpan()).ToArray(),
        SafetensorsDType.BF16 => MemoryMarshal.AsBytes(Values.Select(v => (BFloat16)v).ToArray().AsSpan()).ToArray(),
        SafetensorsDType.I64 => MemoryMarshal.AsBytes(Values.Select(v => (long)v).ToArray().AsSpan()).ToArray(),
        SafetensorsDType.I8 => MemoryMarshal.AsBytes(Values.Select(v => (sbyte)v).ToArray().AsSpan()).ToArray(),
        _ => new byte[Values.Length * DType.BitSize() / 8],
    };
}

/// <summary>Small checkpoints shaped like real ones, written with the project's safetensors writer.</summary>
internal static class TestModels
{
    /// <summary>Group size the test models fit: every quantized weight has a multiple of 16 columns and an even row count.</summary>
    public const string GroupSize = "16";

    public static TestTensor Random(string name, SafetensorsDType dtype, params long[] shape)
    {
        var count = (int)shape.Aggregate(1L, (a, b) => a * b);
        var random = new Random(name.Length * 7919 + (int)shape[0]);
        var values = new float[count];
        for (var i = 0; i < count; i++)
        {
            values[i] = dtype == SafetensorsDType.I64 ? i : (float)((random.NextDouble() - 0.5) * 0.1 * (i % 37 == 0 ? 10 : 1));
        }

        return new TestTensor(name, dtype, shape, values);
    }

    /// <summary>A Llama-like block: attention and MLP weights in three float types, an expert stack, and tensors that must be copied.</summary>
    public static TestTensor[] Block() =>
    [
        Random("model.embed_tokens.weight", SafetensorsDType.BF16, 24, 32),
        Random("model.layers.0.input_layernorm.weight", SafetensorsDType.BF16, 32),
        Random("model.layers.0.self_attn.q_proj.weight", SafetensorsDType.BF16, 32, 32),
        Random("model.layers.0.self_attn.q_proj.bias", SafetensorsDType.BF16, 32),
        Random("model.layers.0.self_attn.k_proj.weight", SafetensorsDType.F16, 8, 32),
        Random("model.layers.0.mlp.down_proj.weight", SafetensorsDType.F32, 32, 64),
        Random("model.layers.0.mlp.experts.w13.weight", SafetensorsDType.BF16, 3, 16, 32),
        Random("model.layers.0.mlp.gate.weight", SafetensorsDType.BF16, 4, 32),
        Random("model.norm.weight", SafetensorsDType.F32, 32),
        Random("lm_head.weight", SafetensorsDType.BF16, 24, 32),
        Random("position_ids", SafetensorsDType.I64, 6),
    ];

    public static string[] QuantizedNames { get; } =
    [
        "model.layers.0.self_attn.q_proj.weight",
        "model.layers.0.self_attn.k_proj.weight",
        "model.layers.0.mlp.down_proj.weight",
        "model.layers.0.mlp.experts.w13.weight",
    ];

    public static void WriteFile(string path, IEnumerable<TestTensor> tensors, IReadOnlyDictionary<string, string>? metadata = null)
    {
        var list = tensors.ToArray();
        using var writer = SafetensorsWriter.Create(path, list.Select(t => new TensorDeclaration(t.Name, t.DType, t.Shape)), metadata ?? new Dictionary<string, string> { ["format"] = "pt" });
        foreach (var tensor in list)
        {
            writer.Write(tensor.Name, tensor.Bytes());
        }

        writer.Commit();
    }

    /// <summary>A sharded model folder: the block split over two shards, an index, a config.json and a tokenizer file.</summary>
    public static void WriteFolder(string folder, TestTensor[] tensors)
    {
        Directory.CreateDirectory(folder);
        var half = tensors.Length / 2;
        var shards = new[] { ("model-00001-of-00002.safetensors", tensors[..half]), ("model-00002-of-00002.safetensors", tensors[half..]) };
        var weightMap = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, shardTensors) in shards)
        {
            WriteFile(Path.Combine(folder, name), shardTensors);
            foreach (var tensor in shardTensors)
            {
                weightMap[tensor.Name] = name;
            }
        }

        new SafetensorsIndex(weightMap, tensors.Sum(t => (long)t.Bytes().Length)).Write(Path.Combine(folder, SafetensorsIndex.DefaultFileName));
        WriteConfig(folder);
        File.WriteAllText(Path.Combine(folder, "tokenizer.json"), "{\"version\": \"1.0\"}");
    }

    public static void WriteConfig(string folder) =>
        File.WriteAllText(Path.Combine(folder, "config.json"), "{\n  \"model_type\": \"llama\",\n  \"hidden_size\": 32,\n  \"torch_dtype\": \"bfloat16\"\n}\n");

    /// <summary>The values of <paramref name="tensor"/> as stored (rounded to its dtype).</summary>
    public static T[] Stored<T>(TestTensor tensor)
        where T : unmanaged => MemoryMarshal.Cast<byte, T>(tensor.Bytes()).ToArray();
}
