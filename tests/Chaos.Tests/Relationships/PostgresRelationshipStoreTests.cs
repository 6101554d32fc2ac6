using Chaos.Relationships;
using Chaos.Tests.Infrastructure;

namespace Chaos.Tests.Relationships;

public sealed class PostgresRelationshipStoreTests(PostgresDatabase database) : RelationshipStoreBehaviour, IClassFixture<PostgresDatabase>
{
    protected override IRelationshipStore Store { get; } = new PostgresRelationshipStore(database.DataSource);
}
