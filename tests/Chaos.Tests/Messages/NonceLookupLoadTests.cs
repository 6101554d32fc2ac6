using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Chaos.Tests.Communities;
using Chaos.Tests.Gateway;
using Chaos.Tests.Infrastructure;
using Npgsql;

namespace Chaos.Tests.Messages;

/// <summary>
/// A Channel grain that activates on a channel with more than its in-memory window of messages inside the nonce window
/// cannot know what was sent before it activated, so it asks storage about every nonce it has not seen; under a burst
/// those lookups must share one query in flight, not take one database connection each. A channel whose loaded window
/// already reaches back past the nonce window needs no lookup at all (docs/architecture.md#sends-and-nonces). The
/// database user here may hold only 10 connections, as a small managed PostgreSQL would allow: one connection per
/// concurrent lookup runs into PostgreSQL's "too many connections" and fails sends.
/// </summary>
public sealed class NonceLookupLoadTests
{
    private const int Sends = 300;

    /// <summary>More than the Channel grain keeps in memory (200), so a new activation must ask storage.</summary>
    private const int Earlier = 250;

    [Fact]
    public async Task ABurstOfNoncedSends_IntoABusyChannelAfterARestart_AllSucceed_OnAUserLimitedToTenConnections()
    {
        var limited = await CreateLimitedUserAsync(await PostgresServer.CreateDatabaseAsync(), connectionLimit: 10);
        string channel;
        JsonElement first;
        await using (var before = await ChaosServer.StartAsync(limited))
        {
            var owner = await before.RegisterAsync("burster");
            channel = GatewayTests.GeneralChannel(await GatewayTests.CreateCommunityAsync(owner));
            first = await SendAsync(owner, channel, "earlier 0", "e-0");
            for (var i = 1; i < Earlier; i++)
            {
                await SendAsync(owner, channel, $"earlier {i}", $"e-{i}");
            }
        }

        var logs = new LogCapture("restarted door");
        await using var server = await ChaosServer.StartAsync(limited, configure: logs.AddTo);
        var user = await server.LoginAsync("burster");
        var sends = Enumerable.Range(0, Sends).Select(i => SendAsync(user, channel, $"burst {i}", $"n-{i}")).ToList();
        JsonElement[] acks;
        try
        {
            acks = await Task.WhenAll(sends);
        }
        catch (Exception exception)
        {
            throw new InvalidOperationException(logs.Text, exception);
        }

        acks.Select(a => a.GetProperty("seq").GetInt64()).Order().ShouldBe(Enumerable.Range(Earlier + 1, Sends).Select(i => (long)i));

        // The nonces still work: a retry of one sent before the restart (outside the loaded window: only storage knows
        // it) and of one of the burst answer their originals, and nothing new is written.
        (await SendAsync(user, channel, "earlier 0", "e-0")).Str("id").ShouldBe(first.Str("id"));
        (await SendAsync(user, channel, "burst 7", "n-7")).Str("id").ShouldBe(acks.Single(a => a.Str("content") == "burst 7").Str("id"));
        var newest = await user.GetAsync($"/api/v1/channels/{channel}/messages?limit=1");
        newest.EnumerateArray().Single().GetProperty("seq").GetInt64().ShouldBe(Earlier + Sends);
    }

    [Fact]
    public async Task AQuietChannel_AfterARestart_StillAnswersARetriedNonce_WithTheOriginal()
    {
        var connectionString = await PostgresServer.CreateDatabaseAsync();
        string channel;
        JsonElement third;
        await using (var before = await ChaosServer.StartAsync(connectionString))
        {
            var owner = await before.RegisterAsync("quiet");
            channel = GatewayTests.GeneralChannel(await GatewayTests.CreateCommunityAsync(owner));
            await SendAsync(owner, channel, "one", "q-1");
            await SendAsync(owner, channel, "two", "q-2");
            third = await SendAsync(owner, channel, "three", "q-3");
        }

        // The new activation loads all three messages (fewer than its window), so it knows q-3 without asking storage.
        await using var server = await ChaosServer.StartAsync(connectionString);
        var user = await server.LoginAsync("quiet");
        (await SendAsync(user, channel, "three", "q-3")).Str("id").ShouldBe(third.Str("id"));
        (await SendAsync(user, channel, "four", "q-4")).GetProperty("seq").GetInt64().ShouldBe(4);
        (await SendAsync(user, channel, "four", "q-4")).GetProperty("seq").GetInt64().ShouldBe(4);
    }

    private static async Task<JsonElement> SendAsync(TestUser user, string channel, string content, string nonce)
    {
        var response = await user.Http.PostAsJsonAsync($"/api/v1/channels/{channel}/messages", new { content, nonce });
        return await CommunityTestApi.ReadAsync(response, HttpStatusCode.Created);
    }

    /// <summary>A login role that owns nothing, may use everything in the database, and holds at most <paramref name="connectionLimit"/> connections.</summary>
    private static async Task<string> CreateLimitedUserAsync(string connectionString, int connectionLimit)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        var role = $"limited_{builder.Database}"[..40];
        await using (var connection = new NpgsqlConnection(connectionString))
        {
            await connection.OpenAsync();
            foreach (var sql in new[]
            {
                $"CREATE ROLE {role} LOGIN CONNECTION LIMIT {connectionLimit}",
                $"GRANT ALL ON DATABASE {builder.Database} TO {role}",
                $"GRANT ALL ON SCHEMA public TO {role}",
                $"GRANT ALL ON ALL TABLES IN SCHEMA public TO {role}",
                $"GRANT ALL ON ALL SEQUENCES IN SCHEMA public TO {role}",
                $"GRANT ALL ON ALL FUNCTIONS IN SCHEMA public TO {role}",
                $"GRANT ALL ON ALL PROCEDURES IN SCHEMA public TO {role}",
            })
            {
                await using var command = new NpgsqlCommand(sql, connection);
                await command.ExecuteNonQueryAsync();
            }
        }

        builder.Username = role;
        builder.Password = null;
        return builder.ConnectionString;
    }
}
