namespace Chaos.Relationships;

/// <summary>Each user's view of the others they relate to (PostgreSQL, or memory standalone).</summary>
public interface IRelationshipStore
{
    Task<IReadOnlyList<Relationship>> GetAsync(long userId);

    /// <summary>Writes <paramref name="userId"/>'s view of <paramref name="otherId"/>; <see cref="RelationshipType.None"/> deletes it.</summary>
    Task SetAsync(long userId, long otherId, RelationshipType type, DateTimeOffset at);
}
