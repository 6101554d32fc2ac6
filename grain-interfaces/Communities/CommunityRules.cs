using Chaos.Accounts;

namespace Chaos.Communities;

/// <summary>Limits for communities (docs/api.md#limits), shared by the front door (early refusal) and the grains (authority).</summary>
public static class CommunityRules
{
    public const int NameMin = 2;
    public const int NameMax = 100;
    public const int DescriptionMax = 1000;
    public const int ChannelNameMin = 1;
    public const int ChannelNameMax = 100;
    public const int TopicMax = 1024;
    public const int RoleNameMin = 1;
    public const int RoleNameMax = 100;
    public const int ReasonMax = 512;
    public const int MaxColor = 0xFFFFFF;
    public const int MaxRoles = 250;
    public const int MaxChannels = 500;
    public const int MaxOverwritesPerChannel = 100;
    public const int MaxInvites = 1000;
    public const int MaxInviteUses = 100;
    public const int MaxInviteAgeSeconds = 604800;
    public const int DefaultInviteAgeSeconds = 86400;
    public const int MaxCommunitiesPerUser = 200;
    public const int DefaultPageSize = 50;
    public const int MaxPageSize = 100;

    public static string? CheckName(string? name) => CheckText(name, NameMin, NameMax, "Name");

    public static string? CheckChannelName(string? name) => CheckText(name, ChannelNameMin, ChannelNameMax, "Channel name");

    public static string? CheckRoleName(string? name) => CheckText(name, RoleNameMin, RoleNameMax, "Role name");

    public static string? CheckDescription(string? description) => CheckOptional(description, DescriptionMax, "Description", allowNewlines: true);

    public static string? CheckTopic(string? topic) => CheckOptional(topic, TopicMax, "Topic", allowNewlines: true);

    public static string? CheckReason(string? reason) => CheckOptional(reason, ReasonMax, "Reason", allowNewlines: false);

    private static string? CheckText(string? text, int min, int max, string what)
    {
        if (text is null)
        {
            return $"{what} is required.";
        }

        var trimmed = text.Trim();
        if (trimmed.Length < min || trimmed.Length > max)
        {
            return $"{what} must be {min}–{max} characters.";
        }

        return TextRules.CheckWellFormed(text, allowNewlines: false);
    }

    private static string? CheckOptional(string? text, int max, string what, bool allowNewlines)
    {
        if (text is null)
        {
            return null;
        }

        if (text.Length > max)
        {
            return $"{what} must be at most {max} characters.";
        }

        return TextRules.CheckWellFormed(text, allowNewlines);
    }
}
