using System.Globalization;

namespace Rtn;

/// <summary>
/// The logical shape of a weight: a matrix <c>[R, C]</c> (rows are output features, columns
/// input features) or a stack <c>[E, R, C]</c> of such matrices, one per expert.
/// </summary>
public readonly record struct WeightShape
{
    private WeightShape(int experts, int rows, int columns, bool isStack)
    {
        if (experts <= 0 || rows <= 0 || columns <= 0)
        {
            throw new ArgumentException(
                string.Create(CultureInfo.InvariantCulture,
                    $"Weight dimensions must be positive, but got {Describe(experts, rows, columns, isStack)}."));
        }

        // A weight may be larger than one array (a fused expert stack of tens of GB); callers
        // that hold it whole check ElementCount, and the tool streams it in slices of rows.
        if ((long)experts * rows > int.MaxValue)
        {
            throw new ArgumentException(
                $"Weight {Describe(experts, rows, columns, isStack)} has more than {int.MaxValue} rows over its experts.");
        }

        (Experts, Rows, Columns, IsStack) = (experts, rows, columns, isStack);
    }

    /// <summary>Number of matrices: 1 for a plain matrix.</summary>
    public int Experts { get; }

    /// <summary>Rows of each matrix (output features).</summary>
    public int Rows { get; }

    /// <summary>Columns of each matrix (input features).</summary>
    public int Columns { get; }

    /// <summary>Whether this is a 3-D <c>[E, R, C]</c> stack rather than a 2-D matrix.</summary>
    public bool IsStack { get; }

    /// <summary>Rows across all experts, <c>E·R</c>: quantization treats a stack as its rows laid end to end.</summary>
    public int TotalRows => Experts * Rows;

    /// <summary>Number of weights, <c>E·R·C</c>, as the length of one array or span holding them all.</summary>
    /// <exception cref="InvalidOperationException">The weight has more values than one array holds; the message names the shape (count with <see cref="LongElementCount"/>).</exception>
    public int ElementCount => LongElementCount <= Array.MaxLength
        ? (int)LongElementCount
        : throw new InvalidOperationException(string.Create(CultureInfo.InvariantCulture,
            $"Weight {this} has {LongElementCount} values, more than one array holds ({Array.MaxLength}); hold it in slices of rows or one expert at a time."));

    /// <summary>Number of values, <c>E·R·C</c>, for weights of any size.</summary>
    public long LongElementCount => (long)Experts * Rows * Columns;

    /// <summary>A 2-D weight <c>[rows, columns]</c>.</summary>
    public static WeightShape Matrix(int rows, int columns) => new(1, rows, columns, isStack: false);

    /// <summary>A 3-D weight <c>[experts, rows, columns]</c>.</summary>
    public static WeightShape Stack(int experts, int rows, int columns) => new(experts, rows, columns, isStack: true);

    /// <summary>A shape from tensor dimensions: two (<c>[R, C]</c>) or three (<c>[E, R, C]</c>).</summary>
    public static WeightShape FromDimensions(ReadOnlySpan<long> dimensions)
    {
        foreach (var d in dimensions)
        {
            if (d is <= 0 or > int.MaxValue)
            {
                throw new ArgumentException($"Weight dimension {d} is out of range in shape [{string.Join(", ", dimensions.ToArray())}].");
            }
        }

        return dimensions.Length switch
        {
            2 => Matrix((int)dimensions[0], (int)dimensions[1]),
            3 => Stack((int)dimensions[0], (int)dimensions[1], (int)dimensions[2]),
            _ => throw new ArgumentException(
                $"A weight must be 2-D [R, C] or 3-D [E, R, C], but got shape [{string.Join(", ", dimensions.ToArray())}]."),
        };
    }

    /// <summary>The dimensions as a tensor shape: <c>[R, C]</c> or <c>[E, R, C]</c>.</summary>
    public long[] Dimensions => IsStack ? [Experts, Rows, Columns] : [Rows, Columns];

    /// <summary>A position written the way the tensor indexes it: <c>[r, c]</c> or <c>[e, r, c]</c>.</summary>
    public string FormatPosition(long flatIndex)
    {
        var column = flatIndex % Columns;
        var row = flatIndex / Columns % Rows;
        var expert = flatIndex / Columns / Rows;
        return IsStack
            ? string.Create(CultureInfo.InvariantCulture, $"[{expert}, {row}, {column}]")
            : string.Create(CultureInfo.InvariantCulture, $"[{row}, {column}]");
    }

    /// <inheritdoc/>
    public override string ToString() => Describe(Experts, Rows, Columns, IsStack);

    private static string Describe(int experts, int rows, int columns, bool isStack) =>
        isStack
            ? string.Create(CultureInfo.InvariantCulture, $"[{experts}, {rows}, {columns}]")
            : string.Create(CultureInfo.InvariantCulture, $"[{rows}, {columns}]");
}
