namespace Chaos.Communities;

/// <summary>Bounded by <see cref="CommunityRules"/>: roles, channels and invites have hard caps; members live in a table.</summary>
[GenerateSerializer, Alias("chaos.CommunityState")]
public sealed class CommunityState
{
    [Id(0)]
    public string Name { get; set; } = string.Empty;

    [Id(1)]
    public string Description { get; set; } = string.Empty;

    [Id(2)]
    public long OwnerId { get; set; }

    [Id(3)]
    public DateTimeOffset CreatedAt { get; set; }

    [Id(4)]
    public int MemberCount { get; set; }

    [Id(5)]
    public bool Deleted { get; set; }

    [Id(6)]
    public List<Role> Roles { get; set; } = [];

    [Id(7)]
    public List<Channel> Channels { get; set; } = [];

    [Id(8)]
    public List<Invite> Invites { get; set; } = [];

    /// <summary>Null in state written before AI assistance: the same as off.</summary>
    [Id(9)]
    public Ai.CommunityAiSettings? Ai { get; set; }
}
