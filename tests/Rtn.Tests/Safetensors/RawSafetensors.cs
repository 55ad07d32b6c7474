using System.Buffers.Binary;
using System.Text;

namespace Rtn.Tests.Safetensors;

/// <summary>Builds files byte by byte, as the format describes them, independently of the writer.</summary>
internal static class RawSafetensors
{
    /// <summary>The 8-byte little-endian header length, the header text as UTF-8, then the data.</summary>
    public static byte[] Build(string header, byte[] data, ulong? declaredLength = null)
    {
        var json = Encoding.UTF8.GetBytes(header);
        return Build(json, data, declaredLength);
    }

    public static byte[] Build(byte[] header, byte[] data, ulong? declaredLength = null)
    {
        var file = new byte[8 + header.Length + data.Length];
        BinaryPrimitives.WriteUInt64LittleEndian(file, declaredLength ?? (ulong)header.Length);
        header.CopyTo(file, 8);
        data.CopyTo(file, 8 + header.Length);
        return file;
    }

    public static byte[] Floats(params float[] values)
    {
        var bytes = new byte[values.Length * 4];
        for (var i = 0; i < values.Length; i++)
        {
            BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(i * 4), values[i]);
        }

        return bytes;
    }
}
