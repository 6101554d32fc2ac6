using System.Globalization;
using System.Text;

namespace Chaos.Api.Attachments;

/// <summary>
/// docs/api.md#attachments: an uploaded file's name keeps no path (everything up to the last <c>/</c> or <c>\</c> goes), no
/// control or invisible formatting characters (no right-to-left override disguising <c>exe.txt</c>), none of
/// <c>&lt;&gt;:"|?*</c>, no leading or trailing dots and spaces, and at most 255 UTF-8 bytes (the extension is kept).
/// </summary>
public static class FilenameSanitizer
{
    public const int MaxBytes = 255;
    public const string Fallback = "file";

    public static string Sanitize(string? name)
    {
        if (string.IsNullOrEmpty(name))
        {
            return Fallback;
        }

        var cut = name.LastIndexOfAny(['/', '\\']);
        var leaf = cut >= 0 ? name[(cut + 1)..] : name;
        var builder = new StringBuilder(leaf.Length);
        foreach (var rune in leaf.EnumerateRunes())
        {
            var category = Rune.GetUnicodeCategory(rune);
            if (category is UnicodeCategory.Control or UnicodeCategory.Format or UnicodeCategory.Surrogate or UnicodeCategory.PrivateUse
                or UnicodeCategory.OtherNotAssigned or UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator)
            {
                continue;
            }

            builder.Append(rune.Value is '<' or '>' or ':' or '"' or '|' or '?' or '*' ? "_" : rune.ToString());
        }

        var clean = builder.ToString().Normalize(NormalizationForm.FormC).Trim().Trim('.').Trim();
        if (clean.Length == 0)
        {
            return Fallback;
        }

        return Truncate(clean);
    }

    /// <summary>Keeps the extension (when short) and cuts the stem at a whole text element until the name fits.</summary>
    private static string Truncate(string name)
    {
        if (Encoding.UTF8.GetByteCount(name) <= MaxBytes)
        {
            return name;
        }

        var dot = name.LastIndexOf('.');
        var extension = dot > 0 && name.Length - dot <= 16 ? name[dot..] : string.Empty;
        var stem = extension.Length > 0 ? name[..dot] : name;
        var budget = MaxBytes - Encoding.UTF8.GetByteCount(extension);
        var kept = new StringBuilder();
        var used = 0;
        var elements = StringInfo.GetTextElementEnumerator(stem);
        while (elements.MoveNext())
        {
            var element = elements.GetTextElement();
            var bytes = Encoding.UTF8.GetByteCount(element);
            if (used + bytes > budget)
            {
                break;
            }

            kept.Append(element);
            used += bytes;
        }

        var result = kept.ToString().TrimEnd() + extension;
        return result.Trim('.').Length == 0 ? Fallback : result;
    }
}
