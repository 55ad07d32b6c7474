using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Rtn.Safetensors;

namespace Rtn.Tests.Safetensors;

/// <summary>Positional reads give the bytes the mapping shows, on any number of threads, and refuse ranges outside the tensor.</summary>
public sealed class SafetensorsPositionalReadTests
{
    // Above the size at which a read is split into pieces on several threads.
    private const int LargeBytes = 9 << 20;

    [Property(MaxTest = 30)]
    public Property ReadBytes_AnyRangeOnAnyThreads_EqualsTheMappedBytes(NonNegativeInt start, NonNegativeInt length, PositiveInt threads, int seed)
    {
        using var folder = new TempFolder();
        var path = folder["read.safetensors"];
        var small = new TensorDeclaration("small", SafetensorsDType.U8, [1000]);
        var large = new TensorDeclaration("large", SafetensorsDType.U8, [LargeBytes]);
        var random = new Random(seed);
        using (var writer = SafetensorsWriter.Create(path, [small, large]))
        {
            foreach (var tensor in new[] { small, large })
            {
                var bytes = new byte[tensor.ByteLength];
                random.NextBytes(bytes);
                writer.Write(tensor.Name, bytes);
            }

            writer.Commit();
        }

        using var file = SafetensorsFile.Open(path);
        var target = file[seed % 2 == 0 ? "small" : "large"];
        var offset = start.Get % target.ByteLength;
        var count = (int)(length.Get % (target.ByteLength - offset + 1));
        var read = new byte[count];
        file.ReadBytes(target, offset, read, 1 + (threads.Get % 4));
        return read.AsSpan().SequenceEqual(file.GetBytes(target, offset, count)).Label($"{target.Name} [{offset}, {offset + count}) on {1 + (threads.Get % 4)} threads");
    }

    [Fact]
    public void ReadBytes_PastTheTensorsEnd_FailsNamingTheTensor()
    {
        using var folder = new TempFolder();
        var path = folder["read.safetensors"];
        var tensor = new TensorDeclaration("weight", SafetensorsDType.U8, [16]);
        using (var writer = SafetensorsWriter.Create(path, [tensor, new TensorDeclaration("after", SafetensorsDType.U8, [16])]))
        {
            writer.Write("weight", new byte[16]);
            writer.Write("after", new byte[16]);
            writer.Commit();
        }

        using var file = SafetensorsFile.Open(path);
        var error = Should.Throw<ArgumentOutOfRangeException>(() => file.ReadBytes(file["weight"], 8, new byte[9]));
        error.Message.ShouldContain("tensor 'weight'");
    }
}
