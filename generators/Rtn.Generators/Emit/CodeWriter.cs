using System;
using System.Text;

namespace Rtn.Generators.Emit;

/// <summary>Builds C# source line by line with four-space indentation and LF line ends, whatever the host's.</summary>
internal sealed class CodeWriter
{
    private readonly StringBuilder builder = new();
    private int depth;

    /// <summary>Writes <paramref name="text"/> at the current indentation; an empty line stays empty.</summary>
    public CodeWriter Line(string text = "")
    {
        if (text.Length != 0)
        {
            builder.Append(' ', depth * 4).Append(text);
        }

        builder.Append('\n');
        return this;
    }

    /// <summary>Opens a brace block that the returned scope closes: <c>using (writer.Block()) { … }</c>.</summary>
    public BlockScope Block()
    {
        Line("{");
        depth++;
        return new BlockScope(this);
    }

    public override string ToString() => builder.ToString();

    /// <summary>Closes the block opened by <see cref="Block"/>.</summary>
    public readonly struct BlockScope(CodeWriter writer) : IDisposable
    {
        public void Dispose()
        {
            writer.depth--;
            writer.Line("}");
        }
    }
}
