using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Chaos.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Chaos.Tests.Cluster;

/// <summary>
/// Nothing acknowledged is lost: two real front-door processes (each co-hosting a silo) on one database, a steady
/// stream of sends through one of them, and the other killed with SIGKILL mid-stream and restarted. Afterwards history
/// holds every acknowledged message exactly once, seq has no gaps, and retried nonces created no duplicates.
/// </summary>
[StartsEarly(2)]
public sealed class MessageDurabilityTests(ITestOutputHelper output)
{
    [Fact]
    public async Task AcknowledgedMessages_SurviveKillingASilo_WithoutGapsOrDuplicates()
    {
        var connectionString = await PostgresServer.CreateDatabaseAsync();
        var bPorts = ChaosProcessPorts.Free();
        var a = await ChaosProcess.StartAsync("api", connectionString, ChaosProcessPorts.Free());
        var b = await ChaosProcess.StartAsync("api", connectionString, bPorts);
        try
        {
            using var anonymous = new HttpClient { BaseAddress = a.HttpAddress, Timeout = TimeSpan.FromSeconds(60) };
            var auth = await (await anonymous.PostAsJsonAsync("/api/v1/auth/register", new { username = TestUser.UniqueName("dur"), password = "password-123" })).Content.ReadFromJsonAsync<AuthBody>();
            using var http = new HttpClient { BaseAddress = a.HttpAddress, Timeout = TimeSpan.FromSeconds(60) };
            http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", auth!.AccessToken);
            var community = await (await http.PostAsJsonAsync("/api/v1/communities", new { name = "Durability" })).Content.ReadFromJsonAsync<JsonElement>();
            var communityId = community.GetProperty("id").GetString();

            // Several channels, so that some channel grains live on the silo that gets killed.
            var channels = new List<string> { community.GetProperty("channels")[0].GetProperty("id").GetString()! };
            for (var i = 0; i < 5; i++)
            {
                var created = await http.PostAsJsonAsync($"/api/v1/communities/{communityId}/channels", new { name = $"c{i}", type = "text" });
                channels.Add((await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!);
            }

            var acknowledged = channels.ToDictionary(c => c, _ => new List<(string Nonce, string Id)>());

            // The first send of each channel goes through B, so its channel grain activates on B's silo (placement
            // prefers the calling silo), which is the one killed below.
            using (var throughB = new HttpClient { BaseAddress = b.HttpAddress, Timeout = TimeSpan.FromSeconds(60) })
            {
                throughB.DefaultRequestHeaders.Authorization = http.DefaultRequestHeaders.Authorization;
                foreach (var channel in channels)
                {
                    var response = await throughB.PostAsJsonAsync($"/api/v1/channels/{channel}/messages", new { content = "opened through B", nonce = "open" });
                    response.StatusCode.ShouldBe(HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
                    acknowledged[channel].Add(("open", (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!));
                }
            }

            var slowest = TimeSpan.Zero;
            var retries = 0;
            const int total = 240;
            Task? restart = null;
            for (var i = 0; i < total; i++)
            {
                if (i == 60)
                {
                    await b.KillAsync();
                    restart = Task.Run(async () =>
                    {
                        await b.DisposeAsync();
                        b = await ChaosProcess.StartAsync("api", connectionString, bPorts);
                    });
                }

                var channel = channels[i % channels.Count];
                var nonce = $"k{i}";
                var deadline = DateTime.UtcNow.AddSeconds(90);
                var started = DateTime.UtcNow;
                while (true)
                {
                    try
                    {
                        var response = await http.PostAsJsonAsync($"/api/v1/channels/{channel}/messages", new { content = $"message {i}", nonce });
                        if (response.StatusCode == HttpStatusCode.Created)
                        {
                            var body = await response.Content.ReadFromJsonAsync<JsonElement>();
                            acknowledged[channel].Add((nonce, body.GetProperty("id").GetString()!));
                            slowest = DateTime.UtcNow - started > slowest ? DateTime.UtcNow - started : slowest;
                            break;
                        }

                        ((int)response.StatusCode).ShouldBeGreaterThanOrEqualTo(500, await response.Content.ReadAsStringAsync());
                    }
                    catch (HttpRequestException)
                    {
                        // The connection broke mid-request: the send may or may not have happened. Retry with the same nonce.
                    }

                    retries++;
                    DateTime.UtcNow.ShouldBeLessThan(deadline, "sends did not recover after the kill");
                }
            }

            await restart!;
            foreach (var channel in channels)
            {
                var history = new List<JsonElement>();
                string? after = null;
                while (true)
                {
                    var page = await http.GetFromJsonAsync<JsonElement>($"/api/v1/channels/{channel}/messages?limit=100" + (after is null ? "&after=1" : $"&after={after}"));
                    var items = page.EnumerateArray().ToList();
                    history.AddRange(items);
                    if (items.Count < 100)
                    {
                        break;
                    }

                    after = items[^1].GetProperty("id").GetString();
                }

                history.Select(m => m.GetProperty("seq").GetInt64()).ShouldBe(Enumerable.Range(1, history.Count).Select(s => (long)s), "seq has no gaps and no repeats");
                history.Select(m => m.GetProperty("nonce").GetString()).Distinct().Count().ShouldBe(history.Count, "a retried nonce created a duplicate");
                history.Select(m => m.GetProperty("id").GetString()).ShouldBe(acknowledged[channel].Select(x => x.Id), "every acknowledged message, once, in order");
            }

            // The kill really happened to a cluster member: its old incarnation is recorded dead.
            await using var connection = new Npgsql.NpgsqlConnection(connectionString);
            await connection.OpenAsync();
            await using var dead = new Npgsql.NpgsqlCommand("SELECT count(*) FROM orleansmembershiptable WHERE status = 6 AND port = @port", connection);
            dead.Parameters.AddWithValue("port", bPorts.Silo);
            ((long)(await dead.ExecuteScalarAsync())!).ShouldBe(1);
            output.WriteLine($"{total} acknowledged sends over {channels.Count} channels; {retries} client retries; slowest acknowledged send {slowest.TotalSeconds:0.0} s (the failover)");
        }
        finally
        {
            await b.DisposeAsync();
            await a.DisposeAsync();
        }
    }
}
