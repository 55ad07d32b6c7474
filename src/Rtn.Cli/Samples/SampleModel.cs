using System.Globalization;
using System.Text.Json.Nodes;
using Rtn.Safetensors;

namespace Rtn.Cli.Samples;

/// <summary>The shape of a small Llama-style model.</summary>
internal sealed record SampleModelSpec(int Layers = 4, int Hidden = 512, int Intermediate = 1536, int Heads = 8, int KeyValueHeads = 2, int Vocabulary = 2048)
{
    public int KeyValueSize => Hidden / Heads * KeyValueHeads;

    /// <summary>A model of <paramref name="layers"/> blocks around <paramref name="hidden"/> (a multiple of 64): MLP 3×, vocabulary 4×, 8 heads of which 2 for keys and values.</summary>
    public static SampleModelSpec Scaled(int layers, int hidden) => new(layers, hidden, 3 * hidden, 8, 2, 4 * hidden);

    /// <summary>Each block's linear weights as (name, rows, columns): attention q/k/v/o and MLP gate/up/down.</summary>
    public IEnumerable<(string Name, int Rows, int Columns)> BlockLinears(int layer)
    {
        var prefix = string.Create(CultureInfo.InvariantCulture, $"model.layers.{layer}");
        yield return ($"{prefix}.self_attn.q_proj.weight", Hidden, Hidden);
        yield return ($"{prefix}.self_attn.k_proj.weight", KeyValueSize, Hidden);
        yield return ($"{prefix}.self_attn.v_proj.weight", KeyValueSize, Hidden);
        yield return ($"{prefix}.self_attn.o_proj.weight", Hidden, Hidden);
        yield return ($"{prefix}.mlp.gate_proj.weight", Intermediate, Hidden);
        yield return ($"{prefix}.mlp.up_proj.weight", Intermediate, Hidden);
        yield return ($"{prefix}.mlp.down_proj.weight", Hidden, Intermediate);
    }
}

/// <summary>
/// Writes a seeded sample model to a folder the way Hugging Face stores one: two BF16 shards
/// with an index, and a config.json. Weights are <see cref="SampleWeights"/>; norms are near one.
/// </summary>
internal static class SampleModel
{
    private const float Deviation = 0.02f;

    /// <summary>Writes the model and returns its parameter count.</summary>
    public static long Write(string folder, SampleModelSpec spec, int seed)
    {
        Directory.CreateDirectory(folder);
        var tensors = Tensors(spec).ToArray();
        var firstShardEnd = Array.FindIndex(tensors, t => t.Name.StartsWith(string.Create(CultureInfo.InvariantCulture, $"model.layers.{spec.Layers / 2}."), StringComparison.Ordinal));
        var shards = new[] { tensors[..firstShardEnd], tensors[firstShardEnd..] };
        var weightMap = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var s = 0; s < shards.Length; s++)
        {
            var name = string.Create(CultureInfo.InvariantCulture, $"model-{s + 1:00000}-of-{shards.Length:00000}.safetensors");
            using var writer = SafetensorsWriter.Create(
                Path.Combine(folder, name),
                shards[s].Select(t => new TensorDeclaration(t.Name, SafetensorsDType.BF16, t.Shape)),
                new Dictionary<string, string> { ["format"] = "pt" });
            foreach (var tensor in shards[s])
            {
                writer.WriteValues<BFloat16>(tensor.Name, tensor.Create(seed));
                weightMap[tensor.Name] = name;
            }

            writer.Commit();
        }

        var totalBytes = tensors.Sum(t => t.Shape.Aggregate(1L, (a, b) => a * b) * 2);
        new SafetensorsIndex(weightMap, totalBytes).Write(Path.Combine(folder, SafetensorsIndex.DefaultFileName));
        File.WriteAllText(Path.Combine(folder, "config.json"), Config(spec).ToJsonString(new() { WriteIndented = true }) + "\n");
        return totalBytes / 2;
    }

    /// <summary>
    /// Writes one BF16 file of <paramref name="matrices"/> matrices <c>[rows, columns]</c> (for
    /// timing the tool on a realistic size), generating and writing one matrix at a time.
    /// </summary>
    public static void WriteCheckpoint(string path, int matrices, int rows, int columns, int seed)
    {
        var names = Enumerable.Range(0, matrices).Select(i => string.Create(CultureInfo.InvariantCulture, $"model.layers.{i}.mlp.down_proj.weight")).ToArray();
        using var writer = SafetensorsWriter.Create(path, names.Select(name => new TensorDeclaration(name, SafetensorsDType.BF16, rows, columns)));
        var matrix = new BFloat16[checked(rows * columns)];
        for (var i = 0; i < matrices; i++)
        {
            SampleWeights.Fill(matrix, rows, columns, seed + i, Deviation);
            writer.WriteValues<BFloat16>(names[i], matrix);
        }

        writer.Commit();
    }

    private static IEnumerable<SampleTensor> Tensors(SampleModelSpec spec)
    {
        var index = 0;
        yield return Matrix("model.embed_tokens.weight", spec.Vocabulary, spec.Hidden, index++);
        for (var layer = 0; layer < spec.Layers; layer++)
        {
            var prefix = string.Create(CultureInfo.InvariantCulture, $"model.layers.{layer}");
            yield return Norm($"{prefix}.input_layernorm.weight", spec.Hidden, index++);
            foreach (var (name, rows, columns) in spec.BlockLinears(layer))
            {
                yield return Matrix(name, rows, columns, index++);
                if (name.EndsWith("o_proj.weight", StringComparison.Ordinal))
                {
                    yield return Norm($"{prefix}.post_attention_layernorm.weight", spec.Hidden, index++);
                }
            }
        }

        yield return Norm("model.norm.weight", spec.Hidden, index++);
        yield return Matrix("lm_head.weight", spec.Vocabulary, spec.Hidden, index);
    }

    private static SampleTensor Matrix(string name, int rows, int columns, int index) =>
        new(name, [rows, columns], seed =>
        {
            var values = new BFloat16[rows * columns];
            SampleWeights.Fill(values, rows, columns, seed + (index * 1000), Deviation);
            return values;
        });

    private static SampleTensor Norm(string name, int size, int index) =>
        new(name, [size], seed => SampleWeights.NearOne(size, seed + (index * 1000)));

    private static JsonObject Config(SampleModelSpec spec) => new()
    {
        ["architectures"] = new JsonArray("LlamaForCausalLM"),
        ["model_type"] = "llama",
        ["hidden_size"] = spec.Hidden,
        ["intermediate_size"] = spec.Intermediate,
        ["num_hidden_layers"] = spec.Layers,
        ["num_attention_heads"] = spec.Heads,
        ["num_key_value_heads"] = spec.KeyValueHeads,
        ["vocab_size"] = spec.Vocabulary,
        ["rms_norm_eps"] = 1e-5,
        ["tie_word_embeddings"] = false,
        ["torch_dtype"] = "bfloat16",
    };

    private sealed record SampleTensor(string Name, long[] Shape, Func<int, BFloat16[]> Create);
}
