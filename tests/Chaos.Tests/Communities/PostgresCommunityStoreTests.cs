using Chaos.Communities;
using Chaos.Tests.Infrastructure;

namespace Chaos.Tests.Communities;

public sealed class PostgresCommunityStoreTests(PostgresDatabase database) : CommunityStoreBehaviour, IClassFixture<PostgresDatabase>
{
    protected override ICommunityStore Store { get; } = new PostgresCommunityStore(database.DataSource);
}
