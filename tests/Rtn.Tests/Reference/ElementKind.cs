namespace Rtn.Tests.Reference;

/// <summary>The three element types RTN works on, as a value a generator can pick.</summary>
public enum ElementKind
{
    Single,
    Half,
    BFloat16,
}

/// <summary>What the error bounds and generators need to know about each element type.</summary>
public static class ElementKinds
{
    public static readonly ElementKind[] All = [ElementKind.Single, ElementKind.Half, ElementKind.BFloat16];

    /// <summary>Unit roundoff u: rounding to the type moves a normal value by at most u times itself.</summary>
    public static double UnitRoundoff(this ElementKind kind) => kind switch
    {
        ElementKind.Single => Math.ScaleB(1, -24),
        ElementKind.Half => Math.ScaleB(1, -11),
        _ => Math.ScaleB(1, -8),
    };

    /// <summary>The smallest positive subnormal, which is also the spacing of all subnormals.</summary>
    public static float SmallestSubnormal(this ElementKind kind) => kind switch
    {
        ElementKind.Single => float.Epsilon,
        ElementKind.Half => (float)Half.Epsilon,
        _ => BFloat16.Epsilon,
    };

    /// <summary>
    /// A magnitude near the top of the type's range for which RTN stays finite: 2m must not
    /// overflow fp32 (m ≤ 1.7e38), and for fp16 the largest finite value is 65504.
    /// </summary>
    public static float Huge(this ElementKind kind) => kind == ElementKind.Half ? 60000f : 1e38f;

    /// <summary>Rounds to the type (nearest, ties to even) and widens back.</summary>
    public static float Round(this ElementKind kind, float value) => kind switch
    {
        ElementKind.Single => value,
        ElementKind.Half => (float)(Half)value,
        _ => (BFloat16)value,
    };
}
