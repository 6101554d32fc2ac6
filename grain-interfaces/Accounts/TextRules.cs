using System.Text;

namespace Chaos.Accounts;

/// <summary>docs/api.md#limits: text is well-formed Unicode; control characters other than newline and tab are rejected.</summary>
public static class TextRules
{
    /// <summary>Null when the text is acceptable, else why not.</summary>
    public static string? CheckWellFormed(string text, bool allowNewlines)
    {
        var index = 0;
        while (index < text.Length)
        {
            if (Rune.DecodeFromUtf16(text.AsSpan(index), out var rune, out var consumed) != System.Buffers.OperationStatus.Done)
            {
                return "Text must be well-formed Unicode (no lone surrogates).";
            }

            if (Rune.IsControl(rune) && !(allowNewlines && (rune.Value == '\n' || rune.Value == '\t')))
            {
                return "Text must not contain control characters.";
            }

            if (rune.Value is 0xFFFE or 0xFFFF)
            {
                return "Text must not contain noncharacters.";
            }

            index += consumed;
        }

        return null;
    }
}
