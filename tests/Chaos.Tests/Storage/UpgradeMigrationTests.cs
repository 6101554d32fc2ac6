using Chaos.Messages;
using Chaos.PrivateChannels;
using Chaos.Storage;
using Chaos.Tests.Infrastructure;
using Chaos.Tests.Messages;
using Npgsql;

namespace Chaos.Tests.Storage;

/// <summary>
/// The read-state mention index (0017) and group marking (0027) applied to a database that already holds messages and
/// private channels: the database is taken back to how it was before them, filled, then migrated again.
/// </summary>
public sealed class UpgradeMigrationTests
{
    [Fact]
    public async Task MentionIndexAndGroupMarks_AreBackfilled_OnAnExistingDatabase()
    {
        var connectionString = await PostgresServer.CreateDatabaseAsync(migrate: false);
        await SchemaMigrator.MigrateAsync(connectionString, CancellationToken.None);
        await using var dataSource = NpgsqlDataSource.Create(connectionString);
        await ExecuteAsync(dataSource, """
            DROP TRIGGER messages_mentions_inserted ON messages;
            DROP TRIGGER messages_mentions_updated ON messages;
            DROP TRIGGER messages_mentions_deleted ON messages;
            DROP TABLE message_mentions;
            ALTER TABLE private_channel_recipients DROP COLUMN is_group;
            DELETE FROM chaos_schema_migrations WHERE version IN (17, 27);
            """);

        // Data written by the previous version.
        var (user, other) = (FreshId.Next(), FreshId.Next());
        var channel = new TestChannel();
        var (dm, group) = (FreshId.Next(), FreshId.Next());
        await ExecuteAsync(dataSource, $"""
            INSERT INTO messages (channel_id, id, seq, author_id, content, created_at, mentions, deleted) VALUES
                ({channel.Id}, {channel.IdFor(1)}, 1, 42, 'a', now(), ARRAY[{user}]::bigint[], false),
                ({channel.Id}, {channel.IdFor(2)}, 2, 42, 'b', now(), ARRAY[{user}, {other}]::bigint[], false),
                ({channel.Id}, {channel.IdFor(3)}, 3, 42, '', now(), ARRAY[]::bigint[], true),
                ({channel.Id}, {channel.IdFor(4)}, 4, 42, 'c', now(), ARRAY[]::bigint[], false);
            INSERT INTO read_states VALUES ({user}, {channel.Id}, {channel.IdFor(1)}, 1), ({other}, {channel.Id}, {channel.IdFor(1)}, 1);
            INSERT INTO private_channel_recipients (user_id, channel_id) VALUES ({user}, {dm}), ({other}, {dm}), ({user}, {group}), ({other}, {group}), ({FreshId.Next()}, {group});
            """);

        (await SchemaMigrator.MigrateAsync(connectionString, CancellationToken.None)).ShouldBe([17, 27]);

        var readStates = new PostgresReadStateStore(dataSource);
        (await readStates.GetAsync(user, channel.Id)).ShouldBe(new ReadState(channel.Id, channel.IdFor(1), 3, 1));
        (await readStates.GetAsync(other, channel.Id)).ShouldBe(new ReadState(channel.Id, channel.IdFor(1), 3, 1));
        var privateChannels = new PostgresPrivateChannelStore(dataSource);
        (await privateChannels.CountGroupsOfUserAsync(user)).ShouldBe(1);
        (await privateChannels.GetChannelIdsOfUserAsync(user, 10)).Order().ShouldBe(new[] { dm, group }.Order());

        // And the triggers work from then on.
        await new PostgresMessageStore(dataSource).AppendAsync([channel.Make(5, mentions: [other])], CancellationToken.None);
        (await readStates.GetAsync(other, channel.Id))!.MentionCount.ShouldBe(2);
    }

    private static async Task ExecuteAsync(NpgsqlDataSource dataSource, string sql)
    {
        await using var command = dataSource.CreateCommand(sql);
        await command.ExecuteNonQueryAsync();
    }
}
