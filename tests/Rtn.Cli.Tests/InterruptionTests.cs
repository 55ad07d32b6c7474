using System.Diagnostics;
using System.Globalization;
using Rtn.Safetensors;

namespace Rtn.Cli.Tests;

/// <summary>
/// The tool run as its own process and stopped by a signal: SIGINT and SIGTERM remove the
/// staged output and exit 130 / 143; after SIGKILL the next run into the same place removes
/// what was left.
/// </summary>
public class InterruptionTests
{
    private const int SigInt = 2;
    private const int SigKill = 9;
    private const int SigTerm = 15;

    [Theory]
    [InlineData(SigInt, ExitCodes.Interrupted, "SIGINT")]
    [InlineData(SigTerm, ExitCodes.Terminated, "SIGTERM")]
    public async Task Quantize_Signal_RemovesStagingAndExitsWithItsCode(int signal, int exitCode, string name)
    {
        using var temp = new TempFolder();
        WriteInput(temp["model.safetensors"]);

        var (code, error) = await RunAndSignal(signal, "quantize", temp["model.safetensors"], "-o", temp["q.safetensors"], "-b", "4", "--threads", "1");

        code.ShouldBe(exitCode, error);
        error.ShouldContain($"error: interrupted by {name}; nothing was written and the partial output was removed.");
        temp.Entries().ShouldBe(["model.safetensors"]);
    }

    [Fact]
    public async Task Quantize_AfterSigKill_TheNextRunRemovesTheLeftoverStagingAndSaysSo()
    {
        using var temp = new TempFolder();
        WriteInput(temp["model.safetensors"]);

        var (_, _, owner) = await RunAndSignalWithId(SigKill, "quantize", temp["model.safetensors"], "-o", temp["q.safetensors"], "-b", "4", "--threads", "1");
        var leftover = temp.Entries().Where(entry => entry.StartsWith(".q.safetensors.rtn-", StringComparison.Ordinal) && !entry.Contains('/')).ShouldHaveSingleItem();
        leftover.ShouldStartWith($".q.safetensors.rtn-{owner}-");

        var run = ToolRun.Of("quantize", temp["model.safetensors"], "-o", temp["q.safetensors"], "-b", "4").ShouldSucceed();

        run.Error.ShouldContain($"warning: removed {temp[leftover]}, an unfinished output left by process {owner}, which no longer runs.");
        temp.Entries().ShouldBe(["model.safetensors", "q.safetensors"]);
    }

    [Fact]
    public void Quantize_PreviousOutputMovedAsideByAProcessThatDied_IsPutBackAndNotOverwritten()
    {
        using var temp = new TempFolder();
        TestModels.WriteFile(temp["model.safetensors"], TestModels.Block());
        var dead = DeadProcessId();
        var aside = temp[$".q.safetensors.rtn-old-{dead}-{Guid.NewGuid():N}"];
        File.WriteAllText(aside, "previous output");

        var run = ToolRun.Of("quantize", temp["model.safetensors"], "-o", temp["q.safetensors"], "-g", TestModels.GroupSize);

        run.ExitCode.ShouldBe(ExitCodes.Usage, run.ToString());
        run.Error.ShouldContain($"put back the previous output from {aside}, where process {dead} had moved it");
        File.ReadAllText(temp["q.safetensors"]).ShouldBe("previous output");
        temp.Entries().ShouldBe(["model.safetensors", "q.safetensors"]);
    }

    [Fact]
    public void Quantize_StagingOfARunningProcess_IsLeftAlone()
    {
        using var temp = new TempFolder();
        TestModels.WriteFile(temp["model.safetensors"], TestModels.Block());
        var live = $".q.safetensors.rtn-{Environment.ProcessId}-{Guid.NewGuid():N}";
        Directory.CreateDirectory(temp[live]);

        var run = ToolRun.Of("quantize", temp["model.safetensors"], "-o", temp["q.safetensors"], "-g", TestModels.GroupSize).ShouldSucceed();

        run.Error.ShouldNotContain("removed");
        temp.Entries().ShouldBe([live, "model.safetensors", "q.safetensors"]);
    }

    /// <summary>128 BF16 matrices of 4 MiB (one random matrix, written fast): enough work that a signal arrives while it runs.</summary>
    [Fact]
    public async Task Demo_Signal_RemovesItsFolderAndExitsWithItsCode()
    {
        using var temp = new TempFolder();
        var start = new ProcessStartInfo("dotnet") { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "Rtn.Cli.dll"));
        start.ArgumentList.Add("demo");
        start.Environment["TMPDIR"] = temp.Path;

        using var process = Process.Start(start)!;
        var error = process.StandardError.ReadToEndAsync();
        var signalled = false;
        while (await process.StandardOutput.ReadLineAsync() is { } line)
        {
            if (line.StartsWith("Quantizing to", StringComparison.Ordinal))
            {
                signalled = Kill(process.Id, SigInt) == 0;
                break;
            }
        }

        await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        signalled.ShouldBeTrue(await error);
        process.ExitCode.ShouldBe(ExitCodes.Interrupted, await error);
        (await error).ShouldContain("error: interrupted by SIGINT");
        temp.Entries().ShouldBeEmpty();
    }

    private static void WriteInput(string path)
    {
        const int Rows = 1024, Columns = 2048, Matrices = 128;
        var random = new Random(1);
        var matrix = new BFloat16[Rows * Columns];
        for (var i = 0; i < matrix.Length; i++)
        {
            matrix[i] = (BFloat16)(float)(random.NextDouble() - 0.5);
        }

        var names = Enumerable.Range(0, Matrices).Select(i => string.Create(CultureInfo.InvariantCulture, $"model.layers.{i}.mlp.down_proj.weight")).ToArray();
        using var writer = SafetensorsWriter.Create(path, names.Select(name => new TensorDeclaration(name, SafetensorsDType.BF16, Rows, Columns)));
        foreach (var name in names)
        {
            writer.WriteValues<BFloat16>(name, matrix);
        }

        writer.Commit();
    }

    private static async Task<(int ExitCode, string Error)> RunAndSignal(int signal, params string[] args)
    {
        var (code, error, _) = await RunAndSignalWithId(signal, args);
        return (code, error);
    }

    /// <summary>
    /// Starts the tool, sends <paramref name="signal"/> once its second tensor starts, and waits
    /// for it to end. On a loaded machine the run can finish before the signal is sent, or
    /// succeed because the signal came after its last tensor, while the output was being
    /// committed; such a run is removed and started again, a few times at most (a tool that
    /// ignored signals would succeed every time, and fail the caller's exit-code check).
    /// </summary>
    private static async Task<(int ExitCode, string Error, int ProcessId)> RunAndSignalWithId(int signal, params string[] args)
    {
        for (var attempt = 1; ; attempt++)
        {
            var (code, error, processId, signalled) = await TryRunAndSignal(signal, args);
            if ((signalled && code != 0) || attempt == 3)
            {
                signalled.ShouldBeTrue($"the run ended before the signal in {attempt} attempts:\n{error}");
                return (code, error, processId);
            }

            File.Delete(args[Array.IndexOf(args, "-o") + 1]);
        }
    }

    private static async Task<(int ExitCode, string Error, int ProcessId, bool Signalled)> TryRunAndSignal(int signal, string[] args)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "Rtn.Cli.dll"));
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = new System.Text.StringBuilder();
        var signalled = false;
        while (await process.StandardError.ReadLineAsync() is { } line)
        {
            error.AppendLine(line);
            if (line.StartsWith("[2/", StringComparison.Ordinal))
            {
                signalled = Kill(process.Id, signal) == 0;
                break;
            }
        }

        error.Append(await process.StandardError.ReadToEndAsync());
        await process.WaitForExitAsync();
        await output;
        return (process.ExitCode, error.ToString(), process.Id, signalled);
    }

    private static int DeadProcessId()
    {
        using var process = Process.Start(new ProcessStartInfo("true") { UseShellExecute = false })!;
        process.WaitForExit();
        return process.Id;
    }

    private static int Kill(int processId, int signal)
    {
        using var kill = Process.Start(new ProcessStartInfo("kill") { ArgumentList = { $"-{signal}", processId.ToString(CultureInfo.InvariantCulture) }, UseShellExecute = false })!;
        kill.WaitForExit();
        return kill.ExitCode;
    }
}
