using System.Globalization;
using System.Text;

namespace Chaos.Messages;

/// <summary>What a reaction may be (docs/api.md#reactions): one Unicode emoji grapheme, at most 20 distinct per message.</summary>
public static class ReactionRules
{
    public const int MaxDistinctEmoji = 20;

    /// <summary>In UTF-16 units; the longest emoji ZWJ sequences and tag flags stay well below it.</summary>
    public const int MaxEmojiLength = 32;

    public const int MaxPins = 50;

    /// <summary>
    /// Null when <paramref name="emoji"/> is exactly one grapheme made only of emoji code points (pictographs, regional
    /// indicator pairs, keycaps, with variation selectors, skin tones, ZWJ joins and tag sequences); the reason otherwise.
    /// Custom-emoji syntaxes (<c>:name:</c>, <c>&lt;:name:id&gt;</c>) and plain text are refused.
    /// </summary>
    public static string? CheckEmoji(string? emoji)
    {
        if (string.IsNullOrEmpty(emoji) || emoji.Length > MaxEmojiLength)
        {
            return $"emoji must be one Unicode emoji (at most {MaxEmojiLength} UTF-16 units).";
        }

        if (!emoji.IsNormalized(NormalizationForm.FormC) || StringInfo.ParseCombiningCharacters(emoji).Length != 1)
        {
            return "emoji must be exactly one Unicode emoji.";
        }

        var pictographs = 0;
        var keycapBase = false;
        var index = 0;
        foreach (var rune in emoji.EnumerateRunes())
        {
            var value = rune.Value;
            if (IsPictographic(value))
            {
                pictographs++;
            }
            else if (index == 0 && value is (>= '0' and <= '9') or '#' or '*')
            {
                keycapBase = true;
            }
            else if (value == 0x20E3 && keycapBase)
            {
                pictographs++;
            }
            else if (!IsModifier(value))
            {
                return "emoji must be exactly one Unicode emoji.";
            }

            index++;
        }

        return pictographs > 0 ? null : "emoji must be exactly one Unicode emoji.";
    }

    private static bool IsPictographic(int c) =>
        c is >= 0x1F000 and <= 0x1FAFF // pictographs, emoticons, transport, flags' regional indicators, supplemental symbols
        or >= 0x2600 and <= 0x27BF // miscellaneous symbols, dingbats
        or >= 0x2300 and <= 0x23FF // technical (watch, hourglass, ⏩)
        or >= 0x2B00 and <= 0x2BFF // arrows, stars, squares
        or >= 0x2190 and <= 0x21FF // arrows
        or >= 0x25A0 and <= 0x25FF // geometric shapes
        or 0x00A9 or 0x00AE or 0x203C or 0x2049 or 0x2122 or 0x2139 or 0x2934 or 0x2935 or 0x3030 or 0x303D or 0x3297 or 0x3299;

    private static bool IsModifier(int c) =>
        c is 0xFE0F or 0xFE0E // variation selectors
        or 0x200D // zero-width joiner
        or >= 0x1F3FB and <= 0x1F3FF // skin tones (also pictographic; listed for clarity)
        or >= 0xE0020 and <= 0xE007F; // tag sequences (subdivision flags)
}
