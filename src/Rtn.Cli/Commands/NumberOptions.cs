using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using System.Numerics;

namespace Rtn.Cli.Commands;

/// <summary>
/// Numeric options that check their value while the command line is parsed: a value that is not
/// a number, a fraction where a whole number belongs, or a number out of range is a parse error
/// naming the option and the value (exit code 2). Nothing later reads a value that did not convert.
/// </summary>
internal static class NumberOptions
{
    /// <summary>A whole number for which <paramref name="accepts"/> holds; <paramref name="rule"/> says which, for the message.</summary>
    public static Option<int> Integer(Option<int> option, Func<int, bool> accepts, string rule)
    {
        option.CustomParser = result => ParseInteger(result, option.Name, accepts, rule) ?? default;
        return option;
    }

    /// <inheritdoc cref="Integer(Option{int}, Func{int, bool}, string)"/>
    public static Option<int?> Integer(Option<int?> option, Func<int, bool> accepts, string rule)
    {
        option.CustomParser = result => ParseInteger(result, option.Name, accepts, rule);
        return option;
    }

    /// <summary>A positive whole number.</summary>
    public static Option<int> Positive(Option<int> option) => Integer(option, value => value > 0, "a positive whole number");

    /// <inheritdoc cref="Positive(Option{int})"/>
    public static Option<int?> Positive(Option<int?> option) => Integer(option, value => value > 0, "a positive whole number");

    /// <summary>A whole number in <c>[min, max]</c>.</summary>
    public static Option<int> Between(Option<int> option, int min, int max) =>
        Integer(option, value => value >= min && value <= max, string.Create(CultureInfo.InvariantCulture, $"a whole number from {min} to {max}"));

    /// <summary>A finite number in <c>(0, max]</c>.</summary>
    public static Option<double> PositiveUpTo(Option<double> option, double max)
    {
        var rule = string.Create(CultureInfo.InvariantCulture, $"a number above 0 and at most {max}");
        option.CustomParser = result =>
        {
            var text = SingleToken(result);
            if (text is null)
            {
                return default;
            }

            if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value))
            {
                result.AddError($"{option.Name} must be {rule}; '{text}' is not a number.");
                return default;
            }

            if (value is <= 0 || value > max || double.IsNaN(value))
            {
                result.AddError($"{option.Name} must be {rule}, but is {text}.");
            }

            return value;
        };
        return option;
    }

    private static int? ParseInteger(ArgumentResult result, string name, Func<int, bool> accepts, string rule)
    {
        var text = SingleToken(result);
        if (text is null)
        {
            return null;
        }

        if (!int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value))
        {
            var problem = BigInteger.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out _)
                ? $", but is {text}"
                : $"; '{text}' is not a whole number";
            result.AddError($"{name} must be {rule}{problem}.");
            return null;
        }

        if (!accepts(value))
        {
            result.AddError(string.Create(CultureInfo.InvariantCulture, $"{name} must be {rule}, but is {value}."));
        }

        return value;
    }

    // An option given without its value is reported by the parser's own arity check.
    private static string? SingleToken(ArgumentResult result) => result.Tokens.Count == 1 ? result.Tokens[0].Value : null;
}
