using Chaos.Messages;
using Chaos.Tests.Infrastructure;

namespace Chaos.Tests.Messages;

public sealed class PostgresReadStateStoreTests(PostgresDatabase database) : ReadStateStoreBehaviour, IClassFixture<PostgresDatabase>
{
    protected override IMessageStore Messages { get; } = new PostgresMessageStore(database.DataSource);

    protected override IReadStateStore ReadStates { get; } = new PostgresReadStateStore(database.DataSource);
}
