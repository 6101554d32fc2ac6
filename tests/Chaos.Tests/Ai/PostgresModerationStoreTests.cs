using Chaos.Ai;
using Chaos.Tests.Infrastructure;

namespace Chaos.Tests.Ai;

public sealed class PostgresModerationStoreTests(PostgresDatabase database) : ModerationStoreBehaviour, IClassFixture<PostgresDatabase>
{
    protected override IModerationStore Store => new PostgresModerationStore(database.DataSource);
}
