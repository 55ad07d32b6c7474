using Rtn.Safetensors;

namespace Rtn.Tests.Safetensors;

/// <summary>Small U8 safetensors files for checkpoint and index tests.</summary>
internal static class CheckpointFiles
{
    /// <summary>Writes a file holding one-byte U8 tensors with the given names, each byte its name's length.</summary>
    public static string Write(string path, params string[] tensorNames)
    {
        using var writer = SafetensorsWriter.Create(path, tensorNames.Select(name => new TensorDeclaration(name, SafetensorsDType.U8, 1)));
        foreach (var name in tensorNames)
        {
            writer.Write(name, [(byte)name.Length]);
        }

        writer.Commit();
        return path;
    }
}
