using Chaos.PrivateChannels;
using Chaos.Tests.Infrastructure;

namespace Chaos.Tests.PrivateChannels;

public sealed class PostgresPrivateChannelStoreTests(PostgresDatabase database) : PrivateChannelStoreBehaviour, IClassFixture<PostgresDatabase>
{
    protected override IPrivateChannelStore Store { get; } = new PostgresPrivateChannelStore(database.DataSource);
}
