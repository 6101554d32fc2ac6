using System.Text.Json;
using Chaos.Messages;
using Chaos.Tests.Infrastructure;
using Npgsql;
using Xunit.Abstractions;

namespace Chaos.Tests.Messages;

/// <summary>
/// What a read state costs PostgreSQL in a long channel (docs/benchmarks.md#read-states): the buffers the query touches,
/// read from <c>EXPLAIN (ANALYZE, BUFFERS)</c> — a count of pages, not a time, so it does not depend on the machine's load.
/// </summary>
public sealed class ReadStateCostTests(PostgresDatabase database, ITestOutputHelper output) : IClassFixture<PostgresDatabase>
{
    private const int Messages = 200_000;

    /// <summary>The two index descents plus at most <see cref="MessageRules.MaxCountedMentions"/> index entries.</summary>
    private const long MaxBuffers = 100;

    [Fact]
    public async Task ReadState_InAChannelOfManyMessages_TouchesAFewPages_AndCountsExactly()
    {
        var channel = new TestChannel();
        var (user, reader) = (FreshId.Next(), FreshId.Next());

        // Every 100th message mentions the user: 2,000 mentions, more than the counted bound.
        await ExecuteAsync($"""
            INSERT INTO messages (channel_id, id, seq, author_id, content, created_at, mentions)
            SELECT {channel.Id}, {channel.IdFor(0)} + s * 7, s, 42, 'message ' || s, now(),
                   CASE WHEN s % 100 = 0 THEN ARRAY[{user}]::bigint[] ELSE ARRAY[]::bigint[] END
            FROM generate_series(1, {Messages}) AS s
            """);
        await ExecuteAsync("VACUUM (ANALYZE) messages");
        await ExecuteAsync("VACUUM (ANALYZE) message_mentions");

        var store = new PostgresReadStateStore(database.DataSource);
        await store.SetAsync(user, channel.Id, channel.IdFor(1), 1);
        await store.SetAsync(reader, channel.Id, channel.IdFor(1), 1);

        // The worst case: nothing read of a long channel, with more unread mentions than are counted.
        foreach (var who in new[] { user, reader })
        {
            var buffers = await BuffersAsync(who, channel.Id);
            output.WriteLine($"read state of {(who == user ? "the mentioned user" : "a reader")} after seq 1 of {Messages:N0}: {buffers} buffers");
            buffers.ShouldBeLessThan(MaxBuffers, "a read state must not read the channel's messages");
        }

        // Exact where it can be, bounded where it must be.
        (await store.GetAsync(user, channel.Id)).ShouldBe(new ReadState(channel.Id, channel.IdFor(1), Messages - 1, MessageRules.MaxCountedMentions));
        (await store.GetAsync(reader, channel.Id)).ShouldBe(new ReadState(channel.Id, channel.IdFor(1), Messages - 1, 0));
        await store.SetAsync(user, channel.Id, channel.IdFor(Messages - 5_000), Messages - 5_000);
        (await store.GetAsync(user, channel.Id)).ShouldBe(new ReadState(channel.Id, channel.IdFor(Messages - 5_000), 5_000, 50));
        (await store.GetForUserAsync(user)).ShouldBe([new ReadState(channel.Id, channel.IdFor(Messages - 5_000), 5_000, 50)]);
    }

    private async Task<long> BuffersAsync(long userId, long channelId)
    {
        await using var command = database.DataSource.CreateCommand(
            "EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) " + PostgresReadStateStore.Select + " WHERE rs.user_id = $1 AND rs.channel_id = $2");
        command.Parameters.AddWithValue(userId);
        command.Parameters.AddWithValue(channelId);
        var plan = JsonDocument.Parse((string)(await command.ExecuteScalarAsync())!).RootElement[0].GetProperty("Plan");
        return plan.GetProperty("Shared Hit Blocks").GetInt64() + plan.GetProperty("Shared Read Blocks").GetInt64();
    }

    private async Task ExecuteAsync(string sql)
    {
        await using var command = database.DataSource.CreateCommand(sql);
        command.CommandTimeout = 300;
        await command.ExecuteNonQueryAsync();
    }
}
