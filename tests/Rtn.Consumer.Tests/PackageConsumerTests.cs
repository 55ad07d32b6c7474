using System.IO.Compression;
using System.Reflection;
using Rtn.Consumer.Tests.Infrastructure;

namespace Rtn.Consumer.Tests;

/// <summary>The packed library used as a package user would: restore, build, run.</summary>
public sealed class PackageConsumerTests : IDisposable
{
    private const string ConsumerProgram = """
        using Rtn;

        var weights = new float[2 * 96];
        for (var i = 0; i < weights.Length; i++)
        {
            weights[i] = MathF.Sin(i) * (i < 96 ? 0.25f : 3f);
        }

        var packed = new byte[weights.Length / 2];
        var scales = new float[2];
        RtnKernels<Bits4, G96>.Quantize<float>(weights, 2, 96, packed, scales);
        var expected = RtnReference.Quantize<float>(weights, WeightShape.Matrix(2, 96), RtnKernels<Bits4, G96>.Config);
        var matches = packed.AsSpan().SequenceEqual(expected.Packed) && scales.AsSpan().SequenceEqual(expected.Scales);
        Console.WriteLine($"Q4G96 specialized={RtnKernels<Bits4, G96>.Implementation.IsSpecialized} matches-reference={matches}");
        """;

    private readonly DirectoryInfo work = Directory.CreateTempSubdirectory("rtn-package-");

    [Fact]
    public void PackedLibrary_ConsoleConsumerUsingQ4G96_BuildsAndRunsSpecialized()
    {
        var feed = Path.Combine(work.FullName, "feed");
        var app = Directory.CreateDirectory(Path.Combine(work.FullName, "app")).FullName;
        // A version no public feed has, so restore can only take the package just packed.
        var version = $"0.0.0-consumer-test.{Guid.NewGuid():N}";
        var environment = new Dictionary<string, string> { ["NUGET_PACKAGES"] = Path.Combine(work.FullName, "packages") };

        // The library and its generator are already built for this test run; pack what was built.
        var pack = DotnetCli.Run(
            RepositoryRoot.Path, environment,
            "pack", Path.Combine("src", "Rtn", "Rtn.csproj"), "--no-build", "-c", BuildConfiguration, "-o", feed, $"-p:PackageVersion={version}");
        pack.ExitCode.ShouldBe(0, pack.Output);

        var package = Path.Combine(feed, $"Rtn.Generated.{version}.nupkg");
        using (var archive = ZipFile.OpenRead(package))
        {
            archive.Entries.Select(e => e.FullName).ShouldContain("analyzers/dotnet/cs/Rtn.Generators.dll");
        }

        File.WriteAllText(Path.Combine(app, "Consumer.csproj"), $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <OutputType>Exe</OutputType>
                <TargetFramework>net10.0</TargetFramework>
                <ImplicitUsings>enable</ImplicitUsings>
                <Nullable>enable</Nullable>
                <TreatWarningsAsErrors>true</TreatWarningsAsErrors>
              </PropertyGroup>
              <ItemGroup>
                <PackageReference Include="Rtn.Generated" Version="{version}" />
              </ItemGroup>
            </Project>
            """);
        // The feed is added to the sources the machine already has.
        File.WriteAllText(Path.Combine(app, "NuGet.config"), $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources>
                <add key="rtn-test-feed" value="{feed}" />
              </packageSources>
            </configuration>
            """);
        File.WriteAllText(Path.Combine(app, "Program.cs"), ConsumerProgram);

        var run = DotnetCli.Run(app, environment, "run", "-c", "Release");

        run.ExitCode.ShouldBe(0, run.Output);
        run.Output.ShouldContain("Q4G96 specialized=True matches-reference=True", Case.Sensitive, run.Output);
    }

    public void Dispose() => work.Delete(recursive: true);

    private static string BuildConfiguration =>
        typeof(PackageConsumerTests).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Debug";
}
