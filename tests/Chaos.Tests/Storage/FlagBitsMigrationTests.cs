using Chaos.Messages;
using Chaos.Storage;
using Chaos.Tests.Infrastructure;
using Chaos.Tests.Messages;
using Npgsql;

namespace Chaos.Tests.Storage;

/// <summary>
/// Migration 0090 on a database that already holds messages with the old flag layout (1 @everyone, 2 role mention,
/// 4 hidden): afterwards hidden is 1 and the mention bits are 256 and 512 (docs/api.md#message), and the mentions inbox
/// finds them by the new bits.
/// </summary>
public sealed class FlagBitsMigrationTests
{
    [Fact]
    public async Task OldFlags_AreRemapped_AndTheMentionsInboxUsesTheNewBits()
    {
        var connectionString = await PostgresServer.CreateDatabaseAsync(migrate: false);
        await SchemaMigrator.MigrateAsync(connectionString, CancellationToken.None);
        await using var dataSource = NpgsqlDataSource.Create(connectionString);
        await ExecuteAsync(dataSource, "DELETE FROM chaos_schema_migrations WHERE version = 90;");

        // Data written by the previous version, in its layout.
        var channel = new TestChannel();
        var oldFlags = new[] { 0, 1, 2, 4, 5, 6, 7 };
        var values = string.Join(",\n", oldFlags.Select((f, i) =>
            $"({channel.Id}, {channel.IdFor(i + 1)}, {i + 1}, 42, 'hello <@&77>', now(), ARRAY[]::bigint[], {f}, false)"));
        await ExecuteAsync(dataSource, $"INSERT INTO messages (channel_id, id, seq, author_id, content, created_at, mentions, flags, deleted) VALUES {values};");

        (await SchemaMigrator.MigrateAsync(connectionString, CancellationToken.None)).ShouldBe([90]);

        var store = new PostgresMessageStore(dataSource);
        var expected = new[] { 0, 256, 512, 1, 257, 513, 769 };
        for (var i = 0; i < oldFlags.Length; i++)
        {
            (await store.GetAsync(channel.Id, channel.IdFor(i + 1), CancellationToken.None))!.Flags.ShouldBe(expected[i], $"old flags {oldFlags[i]}");
        }

        var search = new PostgresMessageSearch(dataSource);
        var everyone = await search.MentionsAsync([channel.Id], FreshId.Next(), [], null, 100, CancellationToken.None);
        everyone.Select(m => m.Seq).Order().ToArray().ShouldBe(new long[] { 2, 5, 7 }, "@everyone was bit 0 before and is 256 now");
        var role = await search.MentionsAsync([channel.Id], FreshId.Next(), [77], null, 100, CancellationToken.None);
        role.Select(m => m.Seq).Order().ToArray().ShouldBe(new long[] { 2, 3, 5, 6, 7 });
        (MessageFlags.Hidden, MessageFlags.MentionsEveryone, MessageFlags.MentionsRoles).ShouldBe((1, 256, 512));
    }

    private static async Task ExecuteAsync(NpgsqlDataSource dataSource, string sql)
    {
        await using var command = dataSource.CreateCommand(sql);
        await command.ExecuteNonQueryAsync();
    }
}
