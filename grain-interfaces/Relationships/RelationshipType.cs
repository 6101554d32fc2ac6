namespace Chaos.Relationships;

/// <summary>One user's view of another; written <c>"none"</c>, <c>"friend"</c>, <c>"incoming"</c>, <c>"outgoing"</c>, <c>"blocked"</c>.</summary>
public enum RelationshipType
{
    None = 0,
    Friend = 1,
    Incoming = 2,
    Outgoing = 3,
    Blocked = 4,
}
