using System.Globalization;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace Rtn.Cli.Tests;

/// <summary>Every numeric option of every command, and the paths checked up front: exit code 2 with a message naming the problem, never a stack trace.</summary>
public class UsageErrorTests
{
    /// <summary>Each numeric option, after the arguments its command needs (inputs that do not exist, so nothing could run).</summary>
    public static TheoryData<string, string[]> NumericOptions { get; } = new()
    {
        { "--bits", ["quantize", "absent.safetensors", "-o", "q.safetensors"] },
        { "--group-size", ["quantize", "absent.safetensors", "-o", "q.safetensors"] },
        { "--threads", ["quantize", "absent.safetensors", "-o", "q.safetensors"] },
        { "--threads", ["dequantize", "absent.safetensors", "-o", "d.safetensors"] },
        { "--threads", ["eval", "absent-a.safetensors", "absent-b.safetensors"] },
        { "--bits", ["bench"] },
        { "--group-size", ["bench"] },
        { "--rows", ["bench"] },
        { "--columns", ["bench"] },
        { "--size-mib", ["bench"] },
        { "--seconds", ["bench"] },
        { "--threads", ["bench"] },
        { "--m", ["bench", "--device", "gpu"] },
        { "--iterations", ["bench", "--device", "gpu"] },
        { "--rows", ["gpu-check"] },
        { "--columns", ["gpu-check"] },
        { "--m", ["gpu-check"] },
        { "--bits", ["demo"] },
        { "--group-size", ["demo"] },
        { "--layers", ["demo"] },
        { "--hidden", ["demo"] },
        { "--threads", ["demo"] },
        { "--matrices", ["demo"] },
        { "--rows", ["demo"] },
        { "--columns", ["demo"] },
    };

    [Theory]
    [MemberData(nameof(NumericOptions))]
    public void NumericOption_Garbage_IsAUsageErrorNamingOptionAndValue(string option, string[] command)
    {
        // A fraction is a valid --seconds; a thousand seconds is not.
        foreach (var garbage in new[] { "abc", option == "--seconds" ? "1e3" : "1.5", "99999999999", "-99999999999", "0x10", "NaN", "" })
        {
            var run = ToolRun.Of([.. command, option, garbage]);

            run.ExitCode.ShouldBe(ExitCodes.Usage, $"{option} {garbage}: {run}");
            run.Error.ShouldContain($"error: {option} must be", customMessage: $"{option} '{garbage}': {run}");
            run.Error.ShouldContain(garbage);
            run.Error.ShouldNotContain("   at ");
        }
    }

    [Property(MaxTest = 60)]
    public Property GroupSize_AnyStringThatIsNotAnAcceptedWholeNumber_IsAUsageError(NonNull<string> text)
    {
        var accepted = int.TryParse(text.Get, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value) && (value > 0 || value == -1);
        // Tokens the parser reads before the option sees them: other options and @response files.
        var looksLikeAnOption = (text.Get.StartsWith('-') && !int.TryParse(text.Get, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out _)) || text.Get.StartsWith('@');
        return Prop.When(!accepted && !looksLikeAnOption, () =>
        {
            var run = ToolRun.Of("quantize", "absent.safetensors", "-o", "q.safetensors", "-g", text.Get);
            return (run.ExitCode == ExitCodes.Usage && run.Error.Contains("--group-size must be positive or -1", StringComparison.Ordinal) && !run.Error.Contains("   at ", StringComparison.Ordinal))
                .Label(run.ToString());
        });
    }

    [Property(MaxTest = 60)]
    public Property Threads_AboveTheMachinesCores_IsAUsageErrorNamingTheLimit(PositiveInt extra)
    {
        var threads = (Environment.ProcessorCount + (long)extra.Get).ToString(CultureInfo.InvariantCulture);

        var run = ToolRun.Of("quantize", "absent.safetensors", "-o", "q.safetensors", "--threads", threads);

        return (run.ExitCode == ExitCodes.Usage
            && run.Error.Contains($"up to {Environment.ProcessorCount}, the cores of this machine, but is {threads}", StringComparison.Ordinal)).Label(run.ToString());
    }

    [Theory]
    [InlineData("1.5", "'1.5' is not a whole number")]
    [InlineData("abc", "'abc' is not a whole number")]
    [InlineData("99999999999", "but is 99999999999")]
    [InlineData("0", "but is 0")]
    [InlineData("-2", "but is -2")]
    public void GroupSize_HandWorkedValues_NameTheProblem(string value, string problem)
    {
        var run = ToolRun.Of("quantize", "absent.safetensors", "-o", "q.safetensors", "-g", value);

        run.ExitCode.ShouldBe(ExitCodes.Usage);
        run.Error.ShouldContain($"error: --group-size must be positive or -1 (one group per row){(problem.StartsWith('\'') ? "; " : ", ")}{problem}.");
    }

    [Theory]
    [InlineData("quantize")]
    [InlineData("dequantize")]
    public void FolderInputWithFileOutput_IsAUsageErrorBeforeReading(string command)
    {
        using var temp = new TempFolder();
        TestModels.WriteFolder(temp["model"], TestModels.Block());

        var run = ToolRun.Of(command, temp["model"], "-o", temp["q.safetensors"]);

        run.ExitCode.ShouldBe(ExitCodes.Usage, run.ToString());
        run.Error.ShouldContain($"{temp["model"]} is a model folder, so the output is a folder too, but {temp["q.safetensors"]} is named like a file");
        temp.Entries().ShouldAllBe(entry => entry.StartsWith("model", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("x.jpg", "the plot is a PNG image; give a file name ending in .png")]
    [InlineData("x", "the plot is a PNG image")]
    [InlineData("missing/x.png", "does not exist")]
    public void Plot_WrongExtensionOrMissingFolder_IsAUsageErrorBeforeAnyWork(string plot, string problem)
    {
        using var temp = new TempFolder();

        // The checkpoints do not exist: a usage error shows the plot was checked before reading them.
        var run = ToolRun.Of("eval", temp["absent-a.safetensors"], temp["absent-b.safetensors"], "--plot", temp[plot]);

        run.ExitCode.ShouldBe(ExitCodes.Usage, run.ToString());
        run.Error.ShouldContain($"--plot {temp[plot]}: ");
        run.Error.ShouldContain(problem);
        temp.Entries().ShouldBeEmpty();
    }

    [Fact]
    public void Plot_IsWrittenAsPngWithNoLeftovers()
    {
        using var temp = new TempFolder();
        TestModels.WriteFile(temp["model.safetensors"], TestModels.Block());
        ToolRun.Of("quantize", temp["model.safetensors"], "-o", temp["q.safetensors"], "-g", TestModels.GroupSize).ShouldSucceed();

        ToolRun.Of("eval", temp["model.safetensors"], temp["q.safetensors"], "--plot", temp["sqnr.png"]).ShouldSucceed();

        File.ReadAllBytes(temp["sqnr.png"])[..8].ShouldBe(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A });
        temp.Entries().ShouldBe(["model.safetensors", "q.safetensors", "sqnr.png"]);
    }
}
