using Rtn.Safetensors;

namespace Rtn.Tests.Safetensors;

public sealed class SafetensorsCheckpointTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public void Open_SingleFile_HasOneFileAndItsTensors()
    {
        var path = CheckpointFiles.Write(_folder["weights.safetensors"], "a", "bb");

        using var checkpoint = SafetensorsCheckpoint.Open(path);

        checkpoint.Index.ShouldBeNull();
        checkpoint.Files.ShouldHaveSingleItem().Path.ShouldBe(path);
        checkpoint.Tensors.Select(t => t.Tensor.Name).ShouldBe(["a", "bb"]);
        checkpoint["bb"].GetBytes().ToArray().ShouldBe(new byte[] { 2 });
    }

    [Fact]
    public void Open_FolderWithIndex_UsesTheIndexAndItsShards()
    {
        CheckpointFiles.Write(_folder["model-00002-of-00002.safetensors"], "lm_head.weight");
        CheckpointFiles.Write(_folder["model-00001-of-00002.safetensors"], "embed.weight", "norm");
        CheckpointFiles.Write(_folder[SafetensorsCheckpoint.DefaultFileName], "ignored");
        new SafetensorsIndex(new Dictionary<string, string>
        {
            ["lm_head.weight"] = "model-00002-of-00002.safetensors",
            ["embed.weight"] = "model-00001-of-00002.safetensors",
            ["norm"] = "model-00001-of-00002.safetensors",
        }, totalSize: 3).Write(_folder[SafetensorsIndex.DefaultFileName]);

        using var checkpoint = SafetensorsCheckpoint.Open(_folder.Path);

        checkpoint.Index.ShouldNotBeNull().TotalSize.ShouldBe(3);
        checkpoint.Files.Select(f => Path.GetFileName(f.Path)).ShouldBe(["model-00001-of-00002.safetensors", "model-00002-of-00002.safetensors"]);
        checkpoint.Tensors.Select(t => t.Tensor.Name).ShouldBe(["embed.weight", "norm", "lm_head.weight"]);
        var head = checkpoint["lm_head.weight"];
        head.File.ShouldBeSameAs(checkpoint.Files[1]);
        head.GetValues<byte>().ToArray().ShouldBe(new byte[] { 14 });
        checkpoint.TryGetTensor("ignored", out _).ShouldBeFalse();
    }

    [Fact]
    public void Open_IndexFilePath_OpensItsCheckpoint()
    {
        CheckpointFiles.Write(_folder["s.safetensors"], "x");
        var indexPath = _folder["custom.safetensors.index.json"];
        new SafetensorsIndex(new Dictionary<string, string> { ["x"] = "s.safetensors" }).Write(indexPath);

        using var checkpoint = SafetensorsCheckpoint.Open(indexPath);

        checkpoint.Index.ShouldNotBeNull();
        checkpoint["x"].File.Path.ShouldBe(_folder["s.safetensors"]);
    }

    [Fact]
    public void Open_FolderWithModelFile_UsesOnlyIt()
    {
        CheckpointFiles.Write(_folder[SafetensorsCheckpoint.DefaultFileName], "w");
        CheckpointFiles.Write(_folder["adapter.safetensors"], "w");

        using var checkpoint = SafetensorsCheckpoint.Open(_folder.Path);

        checkpoint.Files.ShouldHaveSingleItem().Path.ShouldBe(_folder[SafetensorsCheckpoint.DefaultFileName]);
    }

    [Fact]
    public void Open_FolderOfFiles_OpensAllInNameOrder()
    {
        CheckpointFiles.Write(_folder["part-b.safetensors"], "b");
        CheckpointFiles.Write(_folder["part-a.safetensors"], "a");
        File.WriteAllText(_folder["config.json"], "{}");

        using var checkpoint = SafetensorsCheckpoint.Open(_folder.Path);

        checkpoint.Files.Select(f => Path.GetFileName(f.Path)).ShouldBe(["part-a.safetensors", "part-b.safetensors"]);
        checkpoint["b"].File.ShouldBeSameAs(checkpoint.Files[1]);
    }

    [Fact]
    public void Open_SameTensorInTwoFiles_FailsNamingBoth()
    {
        CheckpointFiles.Write(_folder["one.safetensors"], "w");
        CheckpointFiles.Write(_folder["two.safetensors"], "w");

        var error = Should.Throw<SafetensorsFormatException>(() => SafetensorsCheckpoint.Open(_folder.Path));

        error.Message.ShouldBe($"{_folder["two.safetensors"]}: tensor 'w' is also in {_folder["one.safetensors"]}");
    }

    [Fact]
    public void Open_EmptyFolder_ThrowsFileNotFound()
    {
        Should.Throw<FileNotFoundException>(() => SafetensorsCheckpoint.Open(_folder.Path)).Message.ShouldContain("holds no model.safetensors");
    }

    [Fact]
    public void Open_MissingPath_ThrowsFileNotFound()
    {
        Should.Throw<FileNotFoundException>(() => SafetensorsCheckpoint.Open(_folder["nothing"]));
    }

    [Fact]
    public void Indexer_UnknownTensor_FailsNamingCheckpoint()
    {
        var path = CheckpointFiles.Write(_folder["w.safetensors"], "a");
        using var checkpoint = SafetensorsCheckpoint.Open(path);

        Should.Throw<KeyNotFoundException>(() => checkpoint["b"]).Message.ShouldBe($"{path} has no tensor 'b'.");
    }

    [Fact]
    public void Dispose_ClosesEveryFile()
    {
        CheckpointFiles.Write(_folder["a.safetensors"], "a");
        CheckpointFiles.Write(_folder["b.safetensors"], "b");
        var checkpoint = SafetensorsCheckpoint.Open(_folder.Path);
        var tensor = checkpoint["b"];

        checkpoint.Dispose();

        Should.Throw<ObjectDisposedException>(() => tensor.GetBytes().ToArray());
    }
}
