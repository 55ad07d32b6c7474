using Rtn.Cli.Pipeline.Jobs;
using Rtn.Safetensors;

namespace Rtn.Cli.Tests;

/// <summary>An existing output is replaced only with --force, only once the new one is complete, and any failure leaves it byte for byte as it was.</summary>
public class OutputReplacementTests
{
    [Fact]
    public void Quantize_ExistingFileWithoutForce_IsRefusedAndLeftAlone()
    {
        using var temp = new TempFolder();
        TestModels.WriteFile(temp["model.safetensors"], TestModels.Block());
        File.WriteAllText(temp["q.safetensors"], "previous output");

        var run = ToolRun.Of("quantize", temp["model.safetensors"], "-o", temp["q.safetensors"], "-g", TestModels.GroupSize);

        run.ExitCode.ShouldBe(ExitCodes.Usage, run.ToString());
        run.Error.ShouldContain($"{temp["q.safetensors"]} already exists; pass --force to replace it");
        File.ReadAllText(temp["q.safetensors"]).ShouldBe("previous output");
        temp.Entries().ShouldBe(["model.safetensors", "q.safetensors"]);
    }

    [Fact]
    public void Quantize_ExistingFileWithForce_IsReplacedWithNothingLeftBeside()
    {
        using var temp = new TempFolder();
        TestModels.WriteFile(temp["model.safetensors"], TestModels.Block());
        File.WriteAllText(temp["q.safetensors"], "previous output");

        ToolRun.Of("quantize", temp["model.safetensors"], "-o", temp["q.safetensors"], "-g", TestModels.GroupSize, "--force").ShouldSucceed();

        using (var output = SafetensorsFile.Open(temp["q.safetensors"]))
        {
            output.Metadata["quant_method"].ShouldBe("rtn");
        }

        temp.Entries().ShouldBe(["model.safetensors", "q.safetensors"]);
    }

    [Fact]
    public void Quantize_ForceAndAFailureMidWrite_LeavesThePreviousFileByteIdentical()
    {
        using var temp = new TempFolder();
        var broken = TestModels.Random("model.layers.1.mlp.up_proj.weight", SafetensorsDType.F32, 8, 32);
        broken.Values[37] = float.NaN;
        TestModels.WriteFile(temp["model.safetensors"], [.. TestModels.Block(), broken]);
        var previous = "previous output"u8.ToArray();
        File.WriteAllBytes(temp["q.safetensors"], previous);

        var run = ToolRun.Of("quantize", temp["model.safetensors"], "-o", temp["q.safetensors"], "-g", TestModels.GroupSize, "--force");

        run.ExitCode.ShouldBe(ExitCodes.Failure, run.ToString());
        File.ReadAllBytes(temp["q.safetensors"]).ShouldBe(previous);
        temp.Entries().ShouldBe(["model.safetensors", "q.safetensors"]);
    }

    [Fact]
    public void Quantize_ExistingFolderWithForce_IsReplacedAsAWhole()
    {
        using var temp = new TempFolder();
        TestModels.WriteFolder(temp["model"], TestModels.Block());
        Directory.CreateDirectory(temp["q"]);
        File.WriteAllText(temp["q/stale.txt"], "from an earlier run");

        ToolRun.Of("quantize", temp["model"], "-o", temp["q"], "-g", TestModels.GroupSize, "--force").ShouldSucceed();

        File.Exists(temp["q/stale.txt"]).ShouldBeFalse();
        File.Exists(temp["q/config.json"]).ShouldBeTrue();
        temp.Entries().Where(entry => !entry.Contains(Path.DirectorySeparatorChar, StringComparison.Ordinal)).ShouldBe(["model", "q"]);
    }

    [Fact]
    public void Dequantize_ExistingFileWithoutForce_IsRefused()
    {
        using var temp = new TempFolder();
        TestModels.WriteFile(temp["model.safetensors"], TestModels.Block());
        ToolRun.Of("quantize", temp["model.safetensors"], "-o", temp["q.safetensors"], "-g", TestModels.GroupSize).ShouldSucceed();
        File.WriteAllText(temp["d.safetensors"], "mine");

        var run = ToolRun.Of("dequantize", temp["q.safetensors"], "-o", temp["d.safetensors"]);

        run.ExitCode.ShouldBe(ExitCodes.Usage);
        File.ReadAllText(temp["d.safetensors"]).ShouldBe("mine");
    }

    /// <summary>Move 1 puts the old output aside, move 2 puts the new one in place, move 3 puts the old one back.</summary>
    [Theory]
    [InlineData(false, 1)]
    [InlineData(false, 2)]
    [InlineData(true, 1)]
    [InlineData(true, 2)]
    public void Commit_AFailingMove_LeavesThePreviousOutputByteIdenticalAndNothingBeside(bool folder, int failingMove)
    {
        using var temp = new TempFolder();
        var target = temp["out"];
        var previous = WritePrevious(target, folder);
        var moves = new FailingMoves(failingMove);

        using (var staging = Stage(target, folder, moves))
        {
            File.WriteAllText(staging.PathFor(folder ? "new.safetensors" : "out"), "new output");
            Should.Throw<IOException>(staging.Commit).Message.ShouldBe(FailingMoves.Message);
        }

        Snapshot(target).ShouldBe(previous);
        temp.Entries().Where(entry => !entry.Contains(Path.DirectorySeparatorChar, StringComparison.Ordinal)).ShouldBe(["out"]);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Commit_WhenThePutBackFailsToo_SaysWhereThePreviousOutputIs(bool folder)
    {
        using var temp = new TempFolder();
        var target = temp["out"];
        var previous = WritePrevious(target, folder);

        using var staging = Stage(target, folder, new FailingMoves(2, 3));
        File.WriteAllText(staging.PathFor(folder ? "new.safetensors" : "out"), "new output");
        var error = Should.Throw<ToolException>(staging.Commit);

        var aside = Directory.EnumerateFileSystemEntries(temp.Path, ".out.rtn-old-*").ShouldHaveSingleItem();
        error.Message.ShouldContain($"the previous output could not be moved back: it is at {aside}");
        Snapshot(aside).ShouldBe(previous);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Commit_WithoutFaults_ReplacesThePreviousOutput(bool folder)
    {
        using var temp = new TempFolder();
        var target = temp["out"];
        WritePrevious(target, folder);

        using (var staging = Stage(target, folder, OutputMoves.FileSystem))
        {
            File.WriteAllText(staging.PathFor(folder ? "new.safetensors" : "out"), "new output");
            staging.Commit();
        }

        var written = Convert.ToHexString("new output"u8);
        Snapshot(target).ShouldBe(folder ? [$"new.safetensors: {written}"] : [written]);
        temp.Entries().Where(entry => !entry.Contains(Path.DirectorySeparatorChar, StringComparison.Ordinal)).ShouldBe(["out"]);
    }

    private static OutputStaging Stage(string target, bool folder, OutputMoves moves) =>
        folder ? OutputStaging.ForFolder(target, force: true, _ => { }, moves) : OutputStaging.ForFile(target, force: true, _ => { }, moves);

    private static string[] WritePrevious(string target, bool folder)
    {
        if (folder)
        {
            Directory.CreateDirectory(target);
            File.WriteAllBytes(Path.Combine(target, "a.safetensors"), [1, 2, 3, 0, 255]);
            File.WriteAllText(Path.Combine(target, "config.json"), "{\"previous\": true}");
        }
        else
        {
            File.WriteAllBytes(target, [9, 8, 7, 0, 128]);
        }

        return Snapshot(target);
    }

    /// <summary>A file's bytes, or each file of a folder by name and bytes.</summary>
    private static string[] Snapshot(string path) =>
        Directory.Exists(path)
            ? [.. Directory.EnumerateFiles(path).Order(StringComparer.Ordinal).Select(file => $"{Path.GetFileName(file)}: {Convert.ToHexString(File.ReadAllBytes(file))}")]
            : [Convert.ToHexString(File.ReadAllBytes(path))];

    /// <summary>The file system's renames, except that the listed calls (counted from 1) fail.</summary>
    private sealed class FailingMoves(params int[] failing) : OutputMoves
    {
        public const string Message = "injected rename failure";

        private int calls;

        public override void Move(string from, string to)
        {
            if (failing.Contains(++calls))
            {
                throw new IOException(Message);
            }

            base.Move(from, to);
        }
    }
}
