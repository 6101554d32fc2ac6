using System.Globalization;
using System.Numerics;

namespace Chaos.Permissions;

/// <summary>Named permission sets and the wire form of the bitfield (a decimal string, as Discord sends it).</summary>
public static class PermissionSets
{
    /// <summary>Every defined bit. Bits outside it are reserved for future permissions and never accepted from clients.</summary>
    public const Permissions All =
        Permissions.Administrator | Permissions.ViewChannel | Permissions.ManageChannels | Permissions.ManageCommunity
        | Permissions.ManageRoles | Permissions.CreateInvites | Permissions.KickMembers | Permissions.BanMembers
        | Permissions.ModerateMembers | Permissions.ViewAuditLog | Permissions.SendMessages | Permissions.ManageMessages
        | Permissions.ReadMessageHistory | Permissions.MentionEveryone | Permissions.AttachFiles | Permissions.Connect
        | Permissions.Speak | Permissions.MuteMembers | Permissions.DeafenMembers | Permissions.MoveMembers
        | Permissions.SendVoiceMessages | Permissions.AddReactions | Permissions.HandleSupport;

    /// <summary>What @everyone gets in a new community (docs/api.md#permissions): take part, but moderate nothing.</summary>
    public const Permissions EveryoneDefault =
        Permissions.ViewChannel | Permissions.SendMessages | Permissions.ReadMessageHistory | Permissions.CreateInvites
        | Permissions.AttachFiles | Permissions.Connect | Permissions.Speak | Permissions.SendVoiceMessages
        | Permissions.AddReactions;

    // Indexed by bit position; built once so that error paths never reflect over the enum.
    private static readonly string?[] NamesByBit = BuildNames();

    /// <summary>
    /// Parses the wire form strictly: ASCII digits only (leading zeros allowed), no sign, no whitespace, no
    /// exponent, within <see cref="ulong"/>, and no bit outside <see cref="All"/>. Anything looser would accept
    /// input whose meaning depends on the parser (culture, JSON-number habits), and reserved bits accepted now
    /// would silently turn into real permissions when a later version defines them.
    /// </summary>
    public static bool TryParse(string? text, out Permissions value)
    {
        value = Permissions.None;
        if (string.IsNullOrEmpty(text))
        {
            return false;
        }

        // NumberStyles.None already refuses signs and whitespace; the explicit scan makes "ASCII digits only"
        // independent of how the runtime's number parser treats other Unicode digits.
        foreach (var c in text)
        {
            if (!char.IsAsciiDigit(c))
            {
                return false;
            }
        }

        if (!ulong.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var bits))
        {
            return false;
        }

        var parsed = (Permissions)bits;
        if ((parsed & ~All) != Permissions.None)
        {
            return false;
        }

        value = parsed;
        return true;
    }

    /// <summary>The wire form: the unsigned value in decimal, because JSON numbers lose precision above 2^53.</summary>
    public static string Format(Permissions value) => ((ulong)value).ToString(CultureInfo.InvariantCulture);

    /// <summary>
    /// The names of the defined permissions in <paramref name="value"/>, lowest bit first, e.g. for the
    /// <c>permission</c> field of a <c>missing_permission</c> problem. Undefined bits have no name and are skipped.
    /// </summary>
    public static IReadOnlyList<string> Names(Permissions value)
    {
        var names = new List<string>();
        for (var bit = 0; bit < NamesByBit.Length; bit++)
        {
            if (((ulong)value & (1UL << bit)) != 0 && NamesByBit[bit] is { } name)
            {
                names.Add(name);
            }
        }

        return names;
    }

    private static string?[] BuildNames()
    {
        var names = new string?[64];
        foreach (var permission in Enum.GetValues<Permissions>())
        {
            // Only single bits are permissions; a combined alias, should one ever be added, is not a name to report.
            if (BitOperations.IsPow2((ulong)permission))
            {
                names[BitOperations.TrailingZeroCount((ulong)permission)] = permission.ToString();
            }
        }

        return names;
    }
}
