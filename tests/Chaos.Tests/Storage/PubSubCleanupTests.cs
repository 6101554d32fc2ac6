using System.Net;
using System.Net.Http.Json;
using Chaos.Storage;
using Chaos.Hosting;
using Chaos.Tests.Communities;
using Chaos.Tests.Infrastructure;
using Npgsql;

namespace Chaos.Tests.Storage;

/// <summary>
/// Stream pub-sub rows (<c>PubSubStore</c>) do not pile up: a stream whose last consumer leaves has its row deleted by
/// Orleans itself (<c>DeleteStateOnClear</c>), and the sweep deletes old cleared rows (NULL payload) left from before —
/// and only those — while the cluster keeps delivering.
/// </summary>
public sealed class PubSubCleanupTests(ApiFixture fixture) : IClassFixture<ApiFixture>
{
    /// <summary>
    /// Watches exactly the connection's own user stream (<c>chaos-streams/user/{id}</c>): other rows that appear meanwhile
    /// are not this stream's and may rightly stay — the user's presence stream, for one, gets a producer (the pulling agent
    /// registers itself on the first event it pulls, here the user going online, and stays until the stream has been
    /// idle for a long while), and an earlier test's streams settle in the background. Comparing every new row made this
    /// test fail under load whenever such a row appeared before the first poll.
    /// </summary>
    [Fact]
    public async Task AStreamWhoseLastConsumerLeaves_LeavesNoRowBehind()
    {
        var user = await fixture.Server.RegisterAsync();
        var client = await GatewayClient.ConnectAsync(fixture.Server.BaseAddress, user.AccessToken);
        await Eventually.ReturnsAsync(() => UserStreamRowsAsync(user.Id), rows => rows.Count == 1, TimeSpan.FromSeconds(30), "the user stream's pub-sub row");

        await client.DisposeAsync();
        await Eventually.ReturnsAsync(() => UserStreamRowsAsync(user.Id), rows => rows.Count == 0, TimeSpan.FromSeconds(30), "the user stream's row deleted once its consumer left");
    }

    [Fact]
    public async Task TheSweep_DeletesOnlyOldClearedPubSubRows_AndStreamsKeepWorking()
    {
        var owner = await fixture.Server.RegisterAsync();
        var community = await owner.CreateCommunityAsync();
        var channel = community.GetProperty("channels")[0].GetProperty("id").GetString()!;
        await using var listener = await GatewayClient.ConnectAsync(fixture.Server.BaseAddress, owner.AccessToken);

        var key = Random.Shared.NextInt64(1, long.MaxValue / 2);
        await InsertAsync(key, PubSubStoreCleanup.PubSubStateName, payload: null, age: TimeSpan.FromHours(2));
        await InsertAsync(key + 1, PubSubStoreCleanup.PubSubStateName, payload: null, age: TimeSpan.FromMinutes(5));
        await InsertAsync(key + 2, PubSubStoreCleanup.PubSubStateName, payload: [1, 2, 3], age: TimeSpan.FromHours(2));
        await InsertAsync(key + 3, "SomeGrainState", payload: null, age: TimeSpan.FromHours(2));

        var deleted = await fixture.Server.Services.GetRequiredService<PubSubStoreCleanup>().RunOnceAsync(CancellationToken.None);

        deleted.ShouldBeGreaterThanOrEqualTo(1);
        (await ExistsAsync(key)).ShouldBeFalse("an old cleared pub-sub row is deleted");
        (await ExistsAsync(key + 1)).ShouldBeTrue("a recently cleared row is kept (an activation may still hold it)");
        (await ExistsAsync(key + 2)).ShouldBeTrue("a row with producers or consumers is kept");
        (await ExistsAsync(key + 3)).ShouldBeTrue("other grains' state is not touched");

        // The live subscription made before the sweep still delivers.
        var sent = await owner.Http.PostAsJsonAsync($"/api/v1/channels/{channel}/messages", new { content = "after the sweep" });
        sent.StatusCode.ShouldBe(HttpStatusCode.Created);
        await listener.WaitForAsync("MessageCreated", m => m.GetProperty("content").GetString() == "after the sweep");
    }

    /// <summary>The pub-sub rows of one user's stream; the rendezvous grain's key (<c>grainidextensionstring</c>) is the qualified stream id.</summary>
    private async Task<List<string>> UserStreamRowsAsync(string userId)
    {
        var id = long.Parse(userId, System.Globalization.CultureInfo.InvariantCulture);
        string[] keys = [$"{ChaosProviders.Streams}/{ChaosProviders.UserNamespace}/{id}", $"{ChaosProviders.Streams}/{ChaosProviders.UserNamespace}/{id:X}", $"{ChaosProviders.Streams}/{ChaosProviders.UserNamespace}/{id:x}"];
        await using var db = NpgsqlDataSource.Create(fixture.ConnectionString);
        await using var query = db.CreateCommand("SELECT grainidextensionstring FROM orleansstorage WHERE graintypestring = $1 AND grainidextensionstring = ANY($2)");
        query.Parameters.AddWithValue(PubSubStoreCleanup.PubSubStateName);
        query.Parameters.AddWithValue(keys);
        var rows = new List<string>();
        await using var reader = await query.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            rows.Add(reader.GetString(0));
        }

        if (rows.Count == 0)
        {
            await DumpKeysOnceAsync(db);
        }

        return rows;
    }

    private bool dumped;

    /// <summary>Writes the stored pub-sub keys to the test log once, so a changed key format is visible when the row is not found.</summary>
    private async Task DumpKeysOnceAsync(NpgsqlDataSource db)
    {
        if (dumped)
        {
            return;
        }

        dumped = true;
        await using var query = db.CreateCommand("SELECT grainidextensionstring FROM orleansstorage WHERE graintypestring = $1 LIMIT 20");
        query.Parameters.AddWithValue(PubSubStoreCleanup.PubSubStateName);
        await using var reader = await query.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            Console.Error.WriteLine($"pub-sub key: {reader.GetValue(0)}");
        }
    }

    private async Task InsertAsync(long key, string type, byte[]? payload, TimeSpan age)
    {
        await using var db = NpgsqlDataSource.Create(fixture.ConnectionString);
        await using var insert = db.CreateCommand("""
            INSERT INTO orleansstorage (grainidhash, grainidn0, grainidn1, graintypehash, graintypestring, grainidextensionstring, serviceid, payloadbinary, modifiedon, version)
            VALUES (0, $1, 0, 0, $2, 'cleanup-test', 'chaos', $3, now() - $4, 1)
            """);
        insert.Parameters.AddWithValue(key);
        insert.Parameters.AddWithValue(type);
        insert.Parameters.Add(new NpgsqlParameter { Value = (object?)payload ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Bytea });
        insert.Parameters.AddWithValue(age);
        await insert.ExecuteNonQueryAsync();
    }

    private async Task<bool> ExistsAsync(long key)
    {
        await using var db = NpgsqlDataSource.Create(fixture.ConnectionString);
        await using var query = db.CreateCommand("SELECT count(*) FROM orleansstorage WHERE grainidn0 = $1 AND grainidextensionstring = 'cleanup-test'");
        query.Parameters.AddWithValue(key);
        return (long)(await query.ExecuteScalarAsync())! > 0;
    }
}
