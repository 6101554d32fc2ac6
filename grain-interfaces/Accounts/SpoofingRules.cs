using System.Globalization;
using System.Text;

namespace Chaos.Accounts;

/// <summary>
/// Names and status lines others read must not let one user pass for another: bidirectional overrides reorder what is
/// shown, and invisible characters make two different names look the same (docs/api.md#limits).
/// </summary>
public static class SpoofingRules
{
    /// <summary>Null when the text shows what it contains, else why not. Assumes <see cref="TextRules.CheckWellFormed"/> passed.</summary>
    public static string? Check(string text)
    {
        Rune? previous = null;
        var index = 0;
        while (index < text.Length)
        {
            Rune.DecodeFromUtf16(text.AsSpan(index), out var rune, out var consumed);
            index += consumed;
            if (IsBidiControl(rune.Value))
            {
                return "Text must not contain bidirectional control characters.";
            }

            if (rune.Value == ZeroWidthJoiner)
            {
                // Emoji sequences (👩‍💻) are joined by U+200D; anywhere else it only hides a difference.
                var next = index < text.Length && Rune.DecodeFromUtf16(text.AsSpan(index), out var after, out _) == System.Buffers.OperationStatus.Done ? after : (Rune?)null;
                if (previous is not { } before || !IsEmojiPart(before) || next is not { } following || !IsEmojiPart(following))
                {
                    return "Text must not contain invisible characters.";
                }
            }
            else if (IsInvisible(rune.Value))
            {
                return "Text must not contain invisible characters.";
            }

            previous = rune;
        }

        return null;
    }

    private const int ZeroWidthJoiner = 0x200D;

    private static bool IsBidiControl(int value) =>
        value is 0x061C or 0x200E or 0x200F or (>= 0x202A and <= 0x202E) or (>= 0x2066 and <= 0x2069);

    private static bool IsInvisible(int value) =>
        value is 0x00AD or 0x034F or 0x115F or 0x1160 or 0x17B4 or 0x17B5 or 0x180E or 0x200B or 0x200C or 0x2028 or 0x2029
            or (>= 0x2060 and <= 0x2064) or 0x2800 or 0x3164 or 0xFEFF or 0xFFA0 or (>= 0x1D173 and <= 0x1D17A)
            or (>= 0xE0000 and <= 0xE001F);

    private static bool IsEmojiPart(Rune rune) =>
        rune.Value == 0xFE0F
        || (rune.Value >= 0x1F3FB && rune.Value <= 0x1F3FF)
        || Rune.GetUnicodeCategory(rune) == UnicodeCategory.OtherSymbol;
}
