using Chaos.Messages;
using Chaos.Tests.Infrastructure;

namespace Chaos.Tests.Messages;

public sealed class PostgresMessageExtrasStoreTests(PostgresMessageStoreFixture fixture)
    : MessageExtrasStoreBehaviour, IClassFixture<PostgresMessageStoreFixture>
{
    protected override IMessageStore Messages => fixture.Store;

    protected override IReactionStore Reactions => new PostgresReactionStore(fixture.DataSource);

    protected override IPinStore Pins => new PostgresPinStore(fixture.DataSource);

    protected override IMessageSearch Search => new PostgresMessageSearch(fixture.DataSource);

    protected override INotificationSettingsStore Settings => new PostgresNotificationSettingsStore(fixture.DataSource);
}
