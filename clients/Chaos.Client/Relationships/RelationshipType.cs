namespace Chaos.Client.Relationships;

/// <summary><see cref="None"/> only appears in <c>RelationshipUpdated</c>: the relationship ended.</summary>
public enum RelationshipType
{
    None,
    Friend,
    Incoming,
    Outgoing,
    Blocked,
}
