namespace Chaos.Client.Relationships;

public sealed record Relationship(string UserId, RelationshipType Type);
