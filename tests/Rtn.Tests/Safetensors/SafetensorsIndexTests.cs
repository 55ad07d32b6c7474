using System.Text.Json;
using Rtn.Safetensors;

namespace Rtn.Tests.Safetensors;

public sealed class SafetensorsIndexTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public void Load_HuggingFaceStyleIndex_ReadsMapAndMetadata()
    {
        CheckpointFiles.Write(_folder["model-00001-of-00002.safetensors"], "embed.weight", "layers.0.weight");
        CheckpointFiles.Write(_folder["model-00002-of-00002.safetensors"], "lm_head.weight");
        var path = _folder[SafetensorsIndex.DefaultFileName];
        File.WriteAllText(path, """
            {
              "metadata": {"total_size": 3, "total_parameters": 3, "format": "pt"},
              "weight_map": {
                "lm_head.weight": "model-00002-of-00002.safetensors",
                "embed.weight": "model-00001-of-00002.safetensors",
                "layers.0.weight": "model-00001-of-00002.safetensors"
              }
            }
            """);

        var index = SafetensorsIndex.Load(path);

        index.TotalSize.ShouldBe(3);
        index.WeightMap["lm_head.weight"].ShouldBe("model-00002-of-00002.safetensors");
        index.WeightMap.Count.ShouldBe(3);
        index.ShardFiles.ShouldBe(["model-00001-of-00002.safetensors", "model-00002-of-00002.safetensors"]);
        index.OtherMetadata.Keys.Order(StringComparer.Ordinal).ShouldBe(["format", "total_parameters"]);
        index.OtherMetadata["format"].GetString().ShouldBe("pt");
    }

    [Fact]
    public void Write_ThenLoad_RoundTrips()
    {
        CheckpointFiles.Write(_folder["b.safetensors"], "y");
        CheckpointFiles.Write(_folder["a.safetensors"], "x", "z");
        using var extra = JsonDocument.Parse("""{"note": [1, "two"]}""");
        var written = new SafetensorsIndex(
            new Dictionary<string, string> { ["z"] = "a.safetensors", ["y"] = "b.safetensors", ["x"] = "a.safetensors" },
            totalSize: 3,
            new Dictionary<string, JsonElement> { ["note"] = extra.RootElement.GetProperty("note") });
        var path = _folder[SafetensorsIndex.DefaultFileName];

        written.Write(path);
        var read = SafetensorsIndex.Load(path);

        read.WeightMap.ShouldBe(written.WeightMap, ignoreOrder: true);
        read.TotalSize.ShouldBe(3);
        JsonElement.DeepEquals(read.OtherMetadata["note"], extra.RootElement.GetProperty("note")).ShouldBeTrue();
        _folder.Entries().ShouldBe(["a.safetensors", "b.safetensors", SafetensorsIndex.DefaultFileName]);
    }

    [Fact]
    public void Write_SortsTheWeightMapAndPutsMetadataFirst()
    {
        var index = new SafetensorsIndex(new Dictionary<string, string> { ["b"] = "s.safetensors", ["a"] = "s.safetensors" }, totalSize: 7);
        var path = _folder["x.safetensors.index.json"];

        index.Write(path);

        File.ReadAllText(path).ShouldBe("""
            {
              "metadata": {
                "total_size": 7
              },
              "weight_map": {
                "a": "s.safetensors",
                "b": "s.safetensors"
              }
            }

            """.ReplaceLineEndings("\n"));
    }

    [Theory]
    [InlineData("""{"weight_map": {"x": "../outside.safetensors"}}""", "tensor 'x' is mapped to '../outside.safetensors', which is not a plain file name in the index's folder")]
    [InlineData("""{"weight_map": {"x": "/etc/passwd"}}""", "tensor 'x' is mapped to '/etc/passwd', which is not a plain file name")]
    [InlineData("""{"weight_map": {"x": "sub\\a.safetensors"}}""", "tensor 'x' is mapped to 'sub\\a.safetensors', which is not a plain file name")]
    [InlineData("""{"weight_map": {"x": ".."}}""", "tensor 'x' is mapped to '..', which is not a file name")]
    [InlineData("""{"weight_map": {"x": 3}}""", "weight_map entry 'x' is a JSON number, not a file name")]
    [InlineData("""{"weight_map": {"x": "a.safetensors", "x": "a.safetensors"}}""", "weight_map lists tensor 'x' twice")]
    [InlineData("""{"metadata": {}}""", "the index has no weight_map")]
    [InlineData("""{"weight_map": []}""", "weight_map is a JSON array, not an object")]
    [InlineData("""{"weight_map": {}, "metadata": 5}""", "metadata is a JSON number, not an object")]
    [InlineData("""{"weight_map": {}, "metadata": {"total_size": "3"}}""", "metadata.total_size \"3\" is not a non-negative integer")]
    [InlineData("""{"weight_map": {}, "metadata": {"total_size": -3}}""", "metadata.total_size -3 is not a non-negative integer")]
    [InlineData("""{"weight_map": {}, "weight_map": {}}""", "the index gives weight_map twice")]
    [InlineData("""[]""", "the index is a JSON array, not an object")]
    [InlineData("""{"weight_map": {""", "the index is not valid JSON")]
    [InlineData("""{"weight_map": {"x": "missing.safetensors"}}""", "shard 'missing.safetensors' (holding tensor 'x') is missing from ")]
    [InlineData("""{"weight_map": {"x": "a.safetensors", "extra": "a.safetensors"}}""", "tensor 'extra' is mapped to shard 'a.safetensors', which does not hold it")]
    [InlineData("""{"weight_map": {"x": "a.safetensors"}}""", "shard 'a.safetensors' holds tensor 'y', which the weight map does not list")]
    [InlineData("""{"weight_map": {"x": "a.safetensors", "y": "b.safetensors"}}""", "shard 'a.safetensors' holds tensor 'y', which the weight map puts in 'b.safetensors'")]
    public void Load_BadIndex_FailsNamingTheIndexAndProblem(string json, string problem)
    {
        CheckpointFiles.Write(_folder["a.safetensors"], "x", "y");
        CheckpointFiles.Write(_folder["b.safetensors"], "z");
        var path = _folder[SafetensorsIndex.DefaultFileName];
        File.WriteAllText(path, json);

        var error = Should.Throw<SafetensorsFormatException>(() => SafetensorsIndex.Load(path));

        error.FilePath.ShouldBe(path);
        error.Problem.ShouldStartWith(problem);
    }

    [Fact]
    public void Load_MalformedShard_FailsNamingTheShard()
    {
        File.WriteAllBytes(_folder["a.safetensors"], [1, 2, 3]);
        var path = _folder[SafetensorsIndex.DefaultFileName];
        File.WriteAllText(path, """{"weight_map": {"x": "a.safetensors"}}""");

        Should.Throw<SafetensorsFormatException>(() => SafetensorsIndex.Load(path)).FilePath.ShouldBe(_folder["a.safetensors"]);
    }

    [Fact]
    public void Load_MissingIndex_ThrowsFileNotFound()
    {
        Should.Throw<FileNotFoundException>(() => SafetensorsIndex.Load(_folder[SafetensorsIndex.DefaultFileName]));
    }

    [Fact]
    public void Constructor_ShardInAnotherFolder_Fails()
    {
        Should.Throw<ArgumentException>(() => new SafetensorsIndex(new Dictionary<string, string> { ["x"] = "../a.safetensors" }))
            .Message.ShouldContain("Tensor 'x' is mapped to '../a.safetensors', which is not a plain file name");
    }
}
