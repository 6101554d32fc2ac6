using Chaos.Messages;
using Chaos.Tests.Infrastructure;

namespace Chaos.Tests.Messages;

/// <summary>One freshly migrated database per test class; tests keep apart by using fresh channels.</summary>
public sealed class PostgresMessageStoreFixture : PostgresDatabase
{
    public PostgresMessageStore Store => new(DataSource);
}
