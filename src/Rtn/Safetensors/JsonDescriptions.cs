using System.Text.Json;

namespace Rtn.Safetensors;

/// <summary>How error messages quote JSON from files that may be hostile.</summary>
internal static class JsonDescriptions
{
    // Text from a file is cut here, so a hostile file cannot make a huge message.
    private const int QuotedTextLimit = 80;

    /// <summary>The value's JSON kind in words: "array", "string", "boolean".</summary>
    public static string Kind(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.True or JsonValueKind.False => "boolean",
        var kind => kind.ToString().ToLowerInvariant(),
    };

    /// <summary>The value's JSON text, cut to a readable length.</summary>
    public static string Quote(JsonElement value) => Clip(value.GetRawText());

    /// <summary>Text cut to a readable length.</summary>
    public static string Clip(string text) =>
        text.Length <= QuotedTextLimit ? text : string.Concat(text.AsSpan(0, QuotedTextLimit), "...");
}
