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
        var common = new Dictionary<string, string>
        {
            ["ConnectionStrings:Chaos"] = connectionString,
            ["Chaos:Passwords:MemoryKiB"] = "1024",
            ["Chaos:Passwords:Iterations"] = "1",
            ["Logging:LogLevel:Default"] = "Warning",
        };
        Dictionary<string, string> With(int siloPort, int gatewayPort) =>
            new(common) { ["Chaos:SiloPort"] = siloPort.ToString(System.Globalization.CultureInfo.InvariantCulture), ["Chaos:GatewayPort"] = gatewayPort.ToString(System.Globalization.CultureInfo.InvariantCulture) };

        int apiHttp = PostgresServer.FreeTcpPort(), apiSilo = PostgresServer.FreeTcpPort(), apiGateway = PostgresServer.FreeTcpPort();
        int siloHttp = PostgresServer.FreeTcpPort(), siloSilo = PostgresServer.FreeTcpPort(), siloGateway = PostgresServer.FreeTcpPort();
        var api = await ChaosProcess.StartAsync("api", apiHttp, With(apiSilo, apiGateway));
        var silo = await ChaosProcess.StartAsync("silo", siloHttp, With(siloSilo, siloGateway));
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
            silo = await ChaosProcess.StartAsync("silo", siloHttp, With(siloSilo, siloGateway));
            await AssertAllLogInAsync(http, users, api);

            await api.KillAsync();
            await api.DisposeAsync();
            api = await ChaosProcess.StartAsync("api", apiHttp, With(apiSilo, apiGateway));
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
