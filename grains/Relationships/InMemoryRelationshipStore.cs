namespace Chaos.Relationships;

/// <summary>The standalone in-memory twin of <see cref="PostgresRelationshipStore"/>; no other mode uses it.</summary>
public sealed class InMemoryRelationshipStore : IRelationshipStore
{
    private readonly Lock gate = new();
    private readonly Dictionary<long, Dictionary<long, RelationshipType>> rows = [];

    public Task<IReadOnlyList<Relationship>> GetAsync(long userId)
    {
        lock (gate)
        {
            return Task.FromResult<IReadOnlyList<Relationship>>(
                rows.TryGetValue(userId, out var mine) ? [.. mine.Select(r => new Relationship(r.Key, r.Value))] : []);
        }
    }

    public Task SetAsync(long userId, long otherId, RelationshipType type, DateTimeOffset at)
    {
        lock (gate)
        {
            if (!rows.TryGetValue(userId, out var mine))
            {
                rows[userId] = mine = [];
            }

            if (type == RelationshipType.None)
            {
                mine.Remove(otherId);
            }
            else
            {
                mine[otherId] = type;
            }
        }

        return Task.CompletedTask;
    }
}
