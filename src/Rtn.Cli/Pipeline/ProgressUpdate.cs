namespace Rtn.Cli.Pipeline;

/// <summary>Where a long job stands: the item it is on (one of <paramref name="Count"/>) and how much of the work is done.</summary>
/// <param name="Item">What is being processed now, e.g. a tensor name.</param>
/// <param name="Index">The item's position, from 0.</param>
/// <param name="Count">How many items there are.</param>
/// <param name="Done">Work finished so far, in the job's unit (bytes for file jobs).</param>
/// <param name="Total">All the work, in the same unit.</param>
internal readonly record struct ProgressUpdate(string Item, int Index, int Count, long Done, long Total);
