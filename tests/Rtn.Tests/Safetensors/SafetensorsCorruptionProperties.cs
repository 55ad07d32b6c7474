using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Rtn.Safetensors;

namespace Rtn.Tests.Safetensors;

/// <summary>How to damage a valid file: cut it, overwrite bytes, or replace the header length.</summary>
public sealed record Corruption(TensorSet Set, int Kind, int Seed)
{
    public override string ToString() => $"kind {Kind}, seed {Seed}, {Set}";
}

public static class CorruptionArbitrary
{
    public static Arbitrary<Corruption> Corruptions() =>
        (from set in TensorSetArbitrary.TensorSets().Generator
         from kind in Gen.Choose(0, 3)
         from seed in Gen.Choose(0, int.MaxValue)
         select new Corruption(set, kind, seed)).ToArbitrary();
}

public sealed class SafetensorsCorruptionProperties
{
    /// <summary>
    /// Whatever the damage, opening either succeeds with a consistent file or fails with the
    /// one documented exception: never an index, JSON or overflow exception from inside.
    /// </summary>
    [Property(MaxTest = 300, Arbitrary = [typeof(CorruptionArbitrary)])]
    public void Open_DamagedFile_SucceedsOrGivesFormatException(Corruption corruption)
    {
        using var folder = new TempFolder();
        var path = folder["damaged.safetensors"];
        var bytes = Damage(WriteValid(path, corruption.Set), corruption.Kind, new Random(corruption.Seed));
        File.WriteAllBytes(path, bytes);

        try
        {
            using var file = SafetensorsFile.Open(path);
            foreach (var tensor in file.Tensors)
            {
                file.GetBytes(tensor).Length.ShouldBe((int)tensor.ByteLength);
            }

            file.Tensors.Sum(t => t.ByteLength).ShouldBeLessThanOrEqualTo(bytes.Length - 8);
        }
        catch (SafetensorsFormatException e)
        {
            e.Message.ShouldStartWith($"{path}: ");
        }
    }

    private static byte[] WriteValid(string path, TensorSet set)
    {
        using (var writer = SafetensorsWriter.Create(path, set.Tensors, set.Metadata))
        {
            foreach (var tensor in set.Tensors)
            {
                writer.Write(tensor.Name, new byte[tensor.ByteLength]);
            }

            writer.Commit();
        }

        return File.ReadAllBytes(path);
    }

    private static byte[] Damage(byte[] file, int kind, Random random)
    {
        switch (kind)
        {
            case 0:
                return file[..random.Next(file.Length)];
            case 1:
                // Digits, quotes, brackets and signs are the bytes most likely to keep the JSON parseable but wrong.
                const string Tempting = "0123456789-[]{},:\" .e";
                for (var i = random.Next(1, 4); i > 0; i--)
                {
                    file[random.Next(file.Length)] = (byte)Tempting[random.Next(Tempting.Length)];
                }

                return file;
            case 2:
                file[random.Next(file.Length)] = (byte)random.Next(256);
                return file;
            default:
                var length = random.Next(3) switch
                {
                    0 => (ulong)random.NextInt64(),
                    1 => (ulong)random.Next(file.Length + 16),
                    _ => ulong.MaxValue - (ulong)random.Next(16),
                };
                BitConverter.TryWriteBytes(file.AsSpan(0, 8), length).ShouldBeTrue();
                return file;
        }
    }
}
