using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Rtn.Safetensors;

namespace Rtn.Tests.Safetensors;

/// <summary>A random set of tensors to write: dtypes, small shapes (zeros and scalars included), metadata and a seed for the bytes.</summary>
public sealed record TensorSet(IReadOnlyList<TensorDeclaration> Tensors, IReadOnlyDictionary<string, string> Metadata, int Seed, int ChunkSize)
{
    public override string ToString() =>
        $"[{string.Join("; ", Tensors)}] metadata {Metadata.Count}, seed {Seed}, chunks of {ChunkSize}";
}

public static class TensorSetArbitrary
{
    public static Arbitrary<TensorSet> TensorSets()
    {
        var dtype = Gen.Elements(Enum.GetValues<SafetensorsDType>());
        var shape = Gen.Choose(0, 3).SelectMany(rank => Gen.ArrayOf(Gen.Choose(0, 5).Select(d => (long)d), rank));
        var tensor = Gen.Zip(dtype, shape).Select(pair =>
        {
            var (type, dims) = pair;

            // F4 and FP6 tensors must fill whole bytes; other element counts fall back to U8.
            var count = dims.Aggregate(1L, (a, b) => a * b);
            return (Type: count * type.BitSize() % 8 == 0 ? type : SafetensorsDType.U8, Dims: dims);
        });
        var metadata = Gen.Choose(0, 3).SelectMany(n => Gen.ArrayOf(Gen.Elements("format", "pt", "ü", "", "a b", "\"q\""), n * 2))
            .Select(words => Enumerable.Range(0, words.Length / 2)
                .Select(i => (Key: words[2 * i] + i, Value: words[2 * i + 1]))
                .ToDictionary(e => e.Key, e => e.Value) as IReadOnlyDictionary<string, string>);
        var set =
            from tensors in Gen.Choose(0, 6).SelectMany(n => Gen.ArrayOf(tensor, n))
            from meta in metadata
            from seed in Gen.Choose(0, int.MaxValue)
            from chunk in Gen.Choose(1, 40)
            select new TensorSet(
                [.. tensors.Select((t, i) => new TensorDeclaration($"layers.{i}.{t.Type}", t.Type, t.Dims))],
                meta, seed, chunk);
        return set.ToArbitrary();
    }
}

public sealed class SafetensorsRoundTripProperties
{
    [Property(MaxTest = 200, Arbitrary = [typeof(TensorSetArbitrary)])]
    public void RoundTrip_RandomTensors_ReadBackByteForByte(TensorSet set)
    {
        using var folder = new TempFolder();
        var path = folder["random.safetensors"];
        var random = new Random(set.Seed);
        var data = set.Tensors.Select(t => { var bytes = new byte[t.ByteLength]; random.NextBytes(bytes); return bytes; }).ToArray();

        using (var writer = SafetensorsWriter.Create(path, set.Tensors, set.Metadata))
        {
            for (var i = 0; i < data.Length; i++)
            {
                // Alternate the three ways of writing a tensor.
                switch (i % 3)
                {
                    case 0:
                        writer.Write(set.Tensors[i].Name, data[i]);
                        break;
                    case 1:
                        foreach (var chunk in data[i].Chunk(set.ChunkSize).DefaultIfEmpty([]))
                        {
                            writer.WriteChunk(set.Tensors[i].Name, chunk);
                        }

                        break;
                    default:
                        writer.Write(set.Tensors[i].Name, new MemoryStream(data[i]));
                        break;
                }
            }

            writer.Commit();
        }

        using var file = SafetensorsFile.Open(path);
        file.Metadata.ShouldBe(set.Metadata, ignoreOrder: true);
        file.Tensors.Count.ShouldBe(set.Tensors.Count);
        for (var i = 0; i < data.Length; i++)
        {
            var read = file.Tensors[i];
            var declared = set.Tensors[i];
            (read.Name, read.DType, read.ElementCount).ShouldBe((declared.Name, declared.DType, declared.ElementCount));
            read.Shape.ShouldBe(declared.Shape);
            file.GetBytes(read).ToArray().ShouldBe(data[i]);
        }

        folder.Entries().ShouldBe(["random.safetensors"]);
    }
}
