namespace Chaos.Relationships;

/// <summary>The relationship <c>{userId, type}</c> (docs/api.md#relationship), also the payload of <c>RelationshipUpdated</c>.</summary>
[GenerateSerializer, Immutable, Alias("chaos.Relationship")]
public sealed record Relationship([property: Id(0)] long UserId, [property: Id(1)] RelationshipType Type);
