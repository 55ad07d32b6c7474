namespace Rtn.Safetensors;

/// <summary>
/// A safetensors file or checkpoint index is malformed. The message starts with the file's
/// path and says what is wrong, naming the tensor where there is one.
/// </summary>
public sealed class SafetensorsFormatException : Exception
{
    /// <summary>Reports <paramref name="problem"/> in the file at <paramref name="filePath"/>.</summary>
    public SafetensorsFormatException(string filePath, string problem, Exception? innerException = null)
        : base($"{filePath}: {problem}", innerException)
    {
        (FilePath, Problem) = (filePath, problem);
    }

    /// <summary>The malformed file.</summary>
    public string FilePath { get; }

    /// <summary>What is wrong, without the path.</summary>
    public string Problem { get; }
}
