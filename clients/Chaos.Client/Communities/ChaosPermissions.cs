namespace Chaos.Client.Communities;

/// <summary>The 64-bit permission field of docs/api.md#permissions (bit positions as documented), written as a decimal string on the wire.</summary>
[Flags]
#pragma warning disable CA1028 // The wire field is an unsigned 64-bit bitfield.
public enum ChaosPermissions : ulong
#pragma warning restore CA1028
{
    None = 0,
    Administrator = 1UL << 0,
    ViewChannel = 1UL << 1,
    ManageChannels = 1UL << 2,
    ManageCommunity = 1UL << 3,
    ManageRoles = 1UL << 4,
    CreateInvites = 1UL << 5,
    KickMembers = 1UL << 6,
    BanMembers = 1UL << 7,
    ModerateMembers = 1UL << 8,
    ViewAuditLog = 1UL << 9,
    SendMessages = 1UL << 10,
    ManageMessages = 1UL << 11,
    ReadMessageHistory = 1UL << 12,
    MentionEveryone = 1UL << 13,
    AttachFiles = 1UL << 14,
    Connect = 1UL << 15,
    Speak = 1UL << 16,
    MuteMembers = 1UL << 17,
    DeafenMembers = 1UL << 18,
    MoveMembers = 1UL << 19,
    SendVoiceMessages = 1UL << 20,
    AddReactions = 1UL << 21,
    HandleSupport = 1UL << 22,
}
