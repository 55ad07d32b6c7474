using System.Diagnostics;
using Rtn.Cli.Pipeline.Formats;
using Rtn.Safetensors;

namespace Rtn.Cli.Pipeline.Jobs;

/// <summary>The jobs that produce one output shard from one input file.</summary>
internal sealed record ShardPlan(SafetensorsFile File, IReadOnlyList<TensorJob> Jobs);

/// <summary>What a rewrite produced.</summary>
internal sealed record RewriteResult(string OutputPath, IReadOnlyList<string> Files, long InputBytes, long OutputBytes, TimeSpan Elapsed);

/// <summary>
/// Writes a checkpoint tensor by tensor: each job reads its input slice by slice into
/// buffers the jobs share, computes, and writes, so memory holds a slice or two (and a
/// tensor's scales), never the model.
/// Everything goes to a staging folder that is moved into place at the end (see
/// <see cref="OutputStaging"/>); any failure removes it.
/// </summary>
internal static class ModelRewriter
{
    public static RewriteResult Write(
        CheckpointLayout layout,
        SafetensorsCheckpoint source,
        IReadOnlyList<ShardPlan> shards,
        Func<SafetensorsFile, IReadOnlyDictionary<string, string>> rewriteMetadata,
        string? configText,
        KernelOptions options,
        OutputOptions output,
        Action<string> warn,
        IProgress<ProgressUpdate>? progress)
    {
        var clock = Stopwatch.StartNew();
        var jobCount = shards.Sum(s => s.Jobs.Count);
        var totalBytes = shards.Sum(s => s.Jobs.Sum(j => j.InputBytes));
        var (index, done) = (0, 0L);
        var weightMap = new Dictionary<string, string>(StringComparer.Ordinal);
        var outputBytes = 0L;

        using var staging = layout.IsFolder
            ? OutputStaging.ForFolder(layout.OutputPath, output.Force, warn)
            : OutputStaging.ForFile(layout.OutputPath, output.Force, warn);
        foreach (var shard in shards)
        {
            var name = layout.OutputNameOf(shard.File);
            var declarations = shard.Jobs.SelectMany(job => job.Outputs).ToArray();
            using var writer = SafetensorsWriter.Create(staging.PathFor(name), declarations, rewriteMetadata(shard.File));
            foreach (var job in shard.Jobs)
            {
                output.Cancellation.ThrowIfCancellationRequested();
                progress?.Report(new ProgressUpdate(job.Name, index, jobCount, done, totalBytes));
                try
                {
                    job.Run(writer, options, output.Cancellation);
                }
                catch (Exception e) when (e is ArgumentException or IOException or InvalidOperationException or UnauthorizedAccessException)
                {
                    throw new ToolException($"{shard.File.Path}: tensor '{job.Name}': {Messages.Clean(e)}", e);
                }

                done += job.InputBytes;
                index++;
            }

            writer.Commit();
            foreach (var declaration in declarations)
            {
                weightMap[declaration.Name] = name;
                outputBytes += declaration.ByteLength;
            }
        }

        progress?.Report(new ProgressUpdate("done", Math.Max(0, jobCount - 1), jobCount, totalBytes, totalBytes));
        // Side files go only into an output folder, never beside a single-file output.
        if (layout.IsFolder && layout.IndexFileName is { } indexFileName)
        {
            new SafetensorsIndex(weightMap, outputBytes, source.Index!.OtherMetadata).Write(staging.PathFor(indexFileName));
        }

        if (layout.IsFolder && configText is not null)
        {
            File.WriteAllText(staging.PathFor(ModelConfigFile.FileName), configText);
        }

        output.Cancellation.ThrowIfCancellationRequested();
        foreach (var companion in layout.IsFolder ? layout.CompanionFiles : [])
        {
            File.Copy(companion, staging.PathFor(Path.GetFileName(companion)));
        }

        var written = Directory.EnumerateFiles(staging.StagingFolder).Select(Path.GetFileName).Order(StringComparer.Ordinal).ToArray();
        staging.Commit();
        var folder = layout.IsFolder ? layout.OutputPath : Path.GetDirectoryName(Path.GetFullPath(layout.OutputPath))!;
        return new RewriteResult(layout.OutputPath, [.. written.Select(file => Path.Combine(folder, file!))], totalBytes, outputBytes, clock.Elapsed);
    }
}
