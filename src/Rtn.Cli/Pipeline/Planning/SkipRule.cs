using System.Text.RegularExpressions;

namespace Rtn.Cli.Pipeline.Planning;

/// <summary>A reason not to quantize a weight: tensors whose names match <see cref="Pattern"/> are copied unchanged.</summary>
internal sealed record SkipRule(string Description, string Pattern)
{
    private Regex? regex;

    public Regex Regex => regex ??= TensorPatterns.Compile(Pattern);

    /// <summary>
    /// What vLLM leaves in full precision when it serves an RTN model: embeddings and the output
    /// head (vLLM quantizes linear layers only, and these are embedding-like and sensitive),
    /// normalization weights, and mixture-of-experts routers (tiny, and routing is sensitive).
    /// </summary>
    public static IReadOnlyList<SkipRule> Defaults { get; } =
    [
        new("embeddings", @"(^|\.)(embed_tokens|embed_positions|embeddings?|word_embeddings|position_embeddings|token_type_embeddings|wte|wpe)\."),
        new("output head", @"(^|\.)(lm_head|output|embed_out)\.weight$"),
        new("norms", @"(^|\.)[^.]*(norm|ln_f|ln_\d+)[^.]*\."),
        new("MoE routers", @"(^|\.)(gate|router|shared_expert_gate)\.weight$"),
    ];
}
