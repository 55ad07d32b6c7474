using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Rtn.Safetensors;

namespace Rtn.Tests.Safetensors;

/// <summary>Tensors copied file to file in chunks arrive byte for byte, between written tensors, and a chunk too large is refused.</summary>
public sealed class SafetensorsCopyChunkTests
{
    [Property(MaxTest = 30)]
    public Property CopyChunk_InChunksOfAnySize_CopiesTheTensorByteForByte(PositiveInt chunk, PositiveInt size, int seed)
    {
        using var folder = new TempFolder();
        var random = new Random(seed);
        var length = 1 + (size.Get % 5000);
        var source = new TensorDeclaration("source", SafetensorsDType.U8, [length]);
        var bytes = new byte[length];
        random.NextBytes(bytes);
        using (var writer = SafetensorsWriter.Create(folder["in.safetensors"], [new TensorDeclaration("before", SafetensorsDType.U8, [3]), source]))
        {
            writer.Write("before", [1, 2, 3]);
            writer.Write("source", bytes);
            writer.Commit();
        }

        using var input = SafetensorsFile.Open(folder["in.safetensors"]);
        using (var writer = SafetensorsWriter.Create(folder["out.safetensors"], [new TensorDeclaration("head", SafetensorsDType.U8, [5]), new TensorDeclaration("copy", SafetensorsDType.U8, [length]), new TensorDeclaration("tail", SafetensorsDType.U8, [2])]))
        {
            writer.Write("head", [9, 9, 9, 9, 9]);
            var step = 1 + (chunk.Get % length);
            for (var offset = 0L; offset < length; offset += step)
            {
                writer.CopyChunk("copy", input, input["source"], offset, Math.Min(step, length - offset));
            }

            writer.Write("tail", [7, 7]);
            writer.Commit();
        }

        using var output = SafetensorsFile.Open(folder["out.safetensors"]);
        return (output.GetBytes(output["copy"]).SequenceEqual(bytes)
            && output.GetBytes(output["head"]).SequenceEqual(new byte[] { 9, 9, 9, 9, 9 })
            && output.GetBytes(output["tail"]).SequenceEqual(new byte[] { 7, 7 })).Label($"{length} bytes in chunks of {1 + (chunk.Get % length)}");
    }

    [Fact]
    public void CopyChunk_MoreThanTheTensorTakes_FailsNamingTheTensor()
    {
        using var folder = new TempFolder();
        using (var writer = SafetensorsWriter.Create(folder["in.safetensors"], [new TensorDeclaration("source", SafetensorsDType.U8, [8])]))
        {
            writer.Write("source", new byte[8]);
            writer.Commit();
        }

        using var input = SafetensorsFile.Open(folder["in.safetensors"]);
        using var target = SafetensorsWriter.Create(folder["out.safetensors"], [new TensorDeclaration("copy", SafetensorsDType.U8, [4])]);
        var error = Should.Throw<ArgumentException>(() => target.CopyChunk("copy", input, input["source"], 0, 8));
        error.Message.ShouldContain("tensor 'copy'");
    }
}
