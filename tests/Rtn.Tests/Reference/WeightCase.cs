using System.Globalization;

namespace Rtn.Tests.Reference;

/// <summary>
/// A weight to quantize: its element type, configuration, shape and values. The values are
/// held as floats that the element type represents exactly, so converting them is lossless.
/// </summary>
public sealed record WeightCase(ElementKind Kind, RtnConfig Config, WeightShape Shape, float[] Values)
{
    public int Levels => 1 << Config.Bits;

    public T[] ValuesAs<T>()
        where T : unmanaged => [.. Values.Select(Precision<T>.FromSingle)];

    /// <summary>Runs <paramref name="check"/> with the values in the case's element type.</summary>
    public void Run(IWeightCheck check)
    {
        switch (Kind)
        {
            case ElementKind.Single:
                check.Check(this, ValuesAs<float>());
                break;
            case ElementKind.Half:
                check.Check(this, ValuesAs<Half>());
                break;
            default:
                check.Check(this, ValuesAs<BFloat16>());
                break;
        }
    }

    public override string ToString() =>
        $"{Kind} {Config} {Shape} [{string.Join(", ", Values.Select(v => v.ToString("R", CultureInfo.InvariantCulture)))}]";
}

/// <summary>A check written once for every element type.</summary>
public interface IWeightCheck
{
    void Check<T>(WeightCase weight, T[] values)
        where T : unmanaged;
}
