using System.Net;
using System.Net.Http.Json;
using Chaos.Tests.Communities;
using Chaos.Tests.Gateway;
using Chaos.Tests.Infrastructure;
using Npgsql;

namespace Chaos.Tests.Messages;

/// <summary>
/// A fresh Channel grain asks storage about every nonce it has not seen (it cannot know what was sent before it
/// activated); under a burst those lookups must share one query in flight, not take one database connection each
/// (docs/architecture.md#sends-and-nonces). The database user here may hold only 10 connections, as a small managed
/// PostgreSQL would allow: one connection per concurrent lookup runs into PostgreSQL's "too many connections" and fails
/// sends.
/// </summary>
public sealed class NonceLookupLoadTests
{
    private const int Sends = 300;

    [Fact]
    public async Task ABurstOfNoncedSends_IntoAFreshChannel_AllSucceed_OnAUserLimitedToTenConnections()
    {
        var limited = await CreateLimitedUserAsync(await PostgresServer.CreateDatabaseAsync(), connectionLimit: 10);
        await using var server = await ChaosServer.StartAsync(limited);
        var owner = await server.RegisterAsync();
        var channel = GatewayTests.GeneralChannel(await GatewayTests.CreateCommunityAsync(owner));

        var sends = Enumerable.Range(0, Sends).Select(async i =>
        {
            var response = await owner.Http.PostAsJsonAsync($"/api/v1/channels/{channel}/messages", new { content = $"burst {i}", nonce = $"n-{i}" });
            return await CommunityTestApi.ReadAsync(response, HttpStatusCode.Created);
        }).ToList();
        var acks = await Task.WhenAll(sends);
        acks.Select(a => a.GetProperty("seq").GetInt64()).Order().ShouldBe(Enumerable.Range(1, Sends).Select(i => (long)i));

        // The nonces still work: a retry of any of them answers the original, and nothing new is written.
        var retry = await owner.Http.PostAsJsonAsync($"/api/v1/channels/{channel}/messages", new { content = "burst 7", nonce = "n-7" });
        var original = acks.Single(a => a.Str("content") == "burst 7");
        (await CommunityTestApi.ReadAsync(retry, HttpStatusCode.Created)).Str("id").ShouldBe(original.Str("id"));
        var newest = await owner.GetAsync($"/api/v1/channels/{channel}/messages?limit=1");
        newest.EnumerateArray().Single().GetProperty("seq").GetInt64().ShouldBe(Sends);
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
