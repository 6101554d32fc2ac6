namespace Chaos.Relationships;

/// <summary>Bounds of one user's relationships: each list has its own limit, so the whole set stays bounded.</summary>
public static class RelationshipRules
{
    public const int MaxFriends = 1000;

    /// <summary>Pending requests, incoming and outgoing counted separately.</summary>
    public const int MaxPending = 1000;

    public const int MaxBlocked = 1000;

    /// <summary>
    /// The user grain that coordinates a pair: always the lower id. Every change of a pair runs there, and it only ever
    /// calls the higher id's grain, so calls between user grains follow ids upwards and can never form a cycle.
    /// </summary>
    public static long Coordinator(long a, long b) => Math.Min(a, b);

    public static int LimitOf(RelationshipType type) => type switch
    {
        RelationshipType.Friend => MaxFriends,
        RelationshipType.Incoming or RelationshipType.Outgoing => MaxPending,
        RelationshipType.Blocked => MaxBlocked,
        _ => int.MaxValue,
    };
}
