namespace Rtn.Cli.Pipeline.Jobs;

/// <summary>
/// The renames that put an output in place. Tests substitute a version that fails at a chosen
/// step, to check that every failure leaves the previous output as it was.
/// </summary>
internal class OutputMoves
{
    public static OutputMoves FileSystem { get; } = new();

    /// <summary>Renames a file or a folder within one folder.</summary>
    public virtual void Move(string from, string to)
    {
        if (Directory.Exists(from))
        {
            Directory.Move(from, to);
        }
        else
        {
            File.Move(from, to);
        }
    }
}
