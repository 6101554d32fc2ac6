using System.Net;
using System.Net.Http.Json;
using Chaos.Tests.Infrastructure;

namespace Chaos.Tests.Cluster;

/// <summary>
/// Two real processes, a co-hosted front door and a dedicated silo, clustered through one PostgreSQL database. Accounts
/// registered through the API still log in after either process is killed with SIGKILL and started again.
/// </summary>
[StartsEarly]
public sealed class TwoProcessTests
{
    [Fact]
    public async Task RegisteredUsers_CanLogIn_AfterTheSiloAndThenTheApiAreKilledAndRestarted()
    {
        var connectionString = await PostgresServer.CreateDatabaseAsync();
        // Rate limits stay on, as in production: 12 registrations and 24 logins come from one address within a minute, and
        // this test is about restarts, not the per-address limit.
        var limits = new Dictionary<string, string>
        {
            ["Chaos:RateLimits:Enabled"] = "true",
            ["Chaos:RateLimits:AuthPerAddressLimit"] = "1000",
        };
        ChaosProcessPorts apiPorts = ChaosProcessPorts.Free(), siloPorts = ChaosProcessPorts.Free();
        var api = await ChaosProcess.StartAsync("api", connectionString, apiPorts, limits);
        var silo = await ChaosProcess.StartAsync("silo", connectionString, siloPorts, limits);
        try
        {
            using var http = new HttpClient { BaseAddress = api.HttpAddress, Timeout = TimeSpan.FromSeconds(90) };
            var users = new List<(string Name, string Id)>();
            for (var i = 0; i < 12; i++)
            {
                // Enough accounts that grains land on both silos.
                var name = TestUser.UniqueName("proc");
                var response = await http.PostAsJsonAsync("/api/v1/auth/register", new { username = name, password = "password-123" });
                response.StatusCode.ShouldBe(HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
                users.Add((name, (await response.Content.ReadFromJsonAsync<AuthBody>())!.User.Id));
            }

            await silo.KillAsync();
            await silo.DisposeAsync();
            silo = await ChaosProcess.StartAsync("silo", connectionString, siloPorts, limits);
            await AssertAllLogInAsync(http, users, api);

            await api.KillAsync();
            await api.DisposeAsync();
            api = await ChaosProcess.StartAsync("api", connectionString, apiPorts, limits);
            await AssertAllLogInAsync(http, users, api);
        }
        finally
        {
            await api.DisposeAsync();
            await silo.DisposeAsync();
        }
    }

    private static async Task AssertAllLogInAsync(HttpClient http, List<(string Name, string Id)> users, ChaosProcess api)
    {
        foreach (var (name, id) in users)
        {
            var response = await http.PostAsJsonAsync("/api/v1/auth/login", new { username = name, password = "password-123" });
            response.StatusCode.ShouldBe(HttpStatusCode.OK, $"{await response.Content.ReadAsStringAsync()}\n--- api output ---\n{api.Output}");
            (await response.Content.ReadFromJsonAsync<AuthBody>())!.User.Id.ShouldBe(id);
        }
    }
}
