namespace Chaos.Relationships;

/// <summary>API.md's relationship (<c>{userId, type}</c>), also the payload of <c>RelationshipUpdated</c>.</summary>
[GenerateSerializer, Immutable, Alias("chaos.Relationship")]
public sealed record Relationship([property: Id(0)] long UserId, [property: Id(1)] RelationshipType Type);
