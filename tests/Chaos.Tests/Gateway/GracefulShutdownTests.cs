using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using Chaos.Client.Gateway;
using Chaos.Client.Messages;
using Chaos.Tests.Client;
using Chaos.Tests.Infrastructure;
using Npgsql;

namespace Chaos.Tests.Gateway;

/// <summary>
/// A front door that is stopped (SIGTERM in production, a host stop here) drains: it refuses new gateway connections and
/// reports not ready, tells its connections to <c>Reconnect</c>, waits for in-flight sends and departing clients, and only
/// then closes; its co-hosted silo leaves the cluster (status Dead) so its grains move.
/// </summary>
[StartsEarly(3)]
public sealed class GracefulShutdownTests(ApiFixture fixture) : IClassFixture<ApiFixture>
{
    [Fact]
    public async Task Drain_RefusesNewConnections_SendsReconnect_AndClosesOnlyAfterTheDrainWindow()
    {
        var door = await ChaosServer.StartAsync(fixture.ConnectionString, new Dictionary<string, string?>
        {
            ["Chaos:Shutdown:DrainSeconds"] = "3",
            ["Chaos:Shutdown:ReconnectSpreadMilliseconds"] = "500",
        });
        var user = await door.RegisterAsync();
        // A raw client that ignores Reconnect: the door must wait for it (bounded), then close it.
        await using var raw = await GatewayClient.ConnectAsync(door.BaseAddress, user.AccessToken);
        var closed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        raw.Connection.Closed += _ =>
        {
            closed.TrySetResult();
            return Task.CompletedTask;
        };
        using var http = new HttpClient { BaseAddress = door.BaseAddress, Timeout = TimeSpan.FromSeconds(10) };
        (await http.GetAsync("/health/ready")).StatusCode.ShouldBe(HttpStatusCode.OK);

        var clock = Stopwatch.StartNew();
        // The stop drains in the host's StoppingAsync step: off this thread so the test can watch it.
        var stopping = Task.Run(async () => await door.DisposeAsync());
        var reconnect = await raw.WaitForAsync("Reconnect", _ => true, TimeSpan.FromSeconds(10));
        reconnect.GetProperty("reason").GetString().ShouldBe("shutdown");
        reconnect.GetProperty("retryAfterMs").GetInt32().ShouldBeInRange(0, 500);

        var ready = await http.GetAsync("/health/ready");
        var negotiate = await http.PostAsync("/gateway/negotiate?negotiateVersion=1", null);
        var stillOpen = !closed.Task.IsCompleted;
        await stopping;
        var stoppedAfter = clock.Elapsed;

        ready.StatusCode.ShouldBe(HttpStatusCode.ServiceUnavailable);
        negotiate.StatusCode.ShouldBe(HttpStatusCode.ServiceUnavailable);
        (await negotiate.Content.ReadAsStringAsync()).ShouldContain("\"code\":\"unavailable\"");
        stillOpen.ShouldBeTrue("the door closed its connection before the drain window ended");
        stoppedAfter.ShouldBeGreaterThan(TimeSpan.FromSeconds(2.5));
        await closed.Task.WaitAsync(TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task Sigterm_DrainsBeforeTheApplicationStops_ThenTheProcessExitsCleanly()
    {
        // A real process, stopped as Kubernetes stops a pod: the drain runs in the front door's own host lifetime before
        // the application stops (with the console lifetime, SignalR would close the connection before it heard Reconnect).
        // Its own database, so it forms a cluster of one instead of joining the fixture's (a join took minutes under load).
        var connectionString = await PostgresServer.CreateDatabaseAsync();
        var door = await ChaosProcess.StartAsync("api", connectionString, ChaosProcessPorts.Free(), new Dictionary<string, string>
        {
            ["Chaos:Shutdown:DrainSeconds"] = "3",
            ["Chaos:Shutdown:ReconnectSpreadMilliseconds"] = "0",
            ["Logging:LogLevel:Chaos.Api.Gateway"] = "Information",
        }, TimeSpan.FromMinutes(4));
        try
        {
            using var http = new HttpClient { BaseAddress = door.HttpAddress, Timeout = TimeSpan.FromSeconds(60) };
            var registered = await http.PostAsJsonAsync("/api/v1/auth/register", new { username = TestUser.UniqueName("term"), password = "password-123" });
            registered.StatusCode.ShouldBe(HttpStatusCode.Created, await registered.Content.ReadAsStringAsync());
            var auth = (await registered.Content.ReadFromJsonAsync<AuthBody>())!;

            // A raw client that ignores Reconnect: the door waits for it until the drain window ends, then closes it.
            await using var raw = await GatewayClient.ConnectAsync(door.HttpAddress, auth.AccessToken);
            var closed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            raw.Connection.Closed += _ =>
            {
                closed.TrySetResult();
                return Task.CompletedTask;
            };

            var clock = Stopwatch.StartNew();
            var terminating = door.TerminateAsync(TimeSpan.FromSeconds(90));
            var reconnect = await raw.WaitForAsync("Reconnect", _ => true, TimeSpan.FromSeconds(30));
            reconnect.GetProperty("reason").GetString().ShouldBe("shutdown");
            await closed.Task.WaitAsync(TimeSpan.FromSeconds(60));
            var closedAfter = clock.Elapsed;
            await terminating;

            door.ExitCode.ShouldBe(0, door.Output);
            door.Output.ShouldContain("draining the gateway, then stopping");
            door.Output.ShouldContain("Gateway drained");
            closedAfter.ShouldBeGreaterThan(TimeSpan.FromSeconds(2.5), "the connection was closed before the drain window ended");
        }
        finally
        {
            await door.DisposeAsync();
        }
    }

    [Fact]
    public async Task Sdk_MovesToTheNextFrontDoorOnReconnect_EverySendAcknowledgedOnce_AndTheSiloLeavesTheCluster()
    {
        var siloPort = PostgresServer.FreeTcpPort();
        var logs = new LogCapture("leaving door");
        var second = await ChaosServer.StartAsync(
            fixture.ConnectionString,
            new Dictionary<string, string?> { ["Chaos:SiloPort"] = siloPort.ToString(System.Globalization.CultureInfo.InvariantCulture), ["Chaos:Shutdown:DrainSeconds"] = "10" },
            logs.AddTo);
        using var sender = await SdkUsers.RegisterAsync(fixture.Server.BaseAddress);
        using var listener = await SdkUsers.RegisterAsync(fixture.Server.BaseAddress);
        var (_, channelId) = await SdkUsers.CommunityAsync(sender, listener);
        var (gateway, _) = await SdkUsers.GatewayAsync(sender, GatewayProtocol.Json, second.BaseAddress, fixture.Server.BaseAddress);
        var (listening, recorded) = await SdkUsers.GatewayAsync(listener, GatewayProtocol.Json, fixture.Server.BaseAddress);
        var requests = new ConcurrentQueue<ReconnectRequest>();
        var disconnects = new ConcurrentQueue<string>();
        gateway.ReconnectRequested += requests.Enqueue;
        gateway.Disconnected += e => disconnects.Enqueue($"{e?.GetType().Name}: {e?.Message}");
        await using (gateway)
        await using (listening)
        {
            gateway.FrontDoor.ShouldBe(second.BaseAddress);
            const int count = 60;
            var sends = new List<Task<Message>>();
            for (var i = 0; i < count / 2; i++)
            {
                sends.Add(gateway.SendMessageAsync(channelId, $"s{i}"));
            }

            var clock = Stopwatch.StartNew();
            var stopping = Task.Run(async () => await second.DisposeAsync());
            for (var i = count / 2; i < count; i++)
            {
                sends.Add(gateway.SendMessageAsync(channelId, $"s{i}"));
            }

            var acknowledged = await Task.WhenAll(sends);
            await stopping;
            var stoppedAfter = clock.Elapsed;

            requests.ShouldHaveSingleItem().Reason.ShouldBe("shutdown");
            disconnects.ShouldBeEmpty("moving on Reconnect is not a lost connection");
            await Eventually.ReturnsAsync(() => Task.FromResult(gateway.IsConnected), c => c, TimeSpan.FromSeconds(30), "the gateway on the other door");
            gateway.FrontDoor.ShouldBe(fixture.Server.BaseAddress);

            // Events still queued in the leaving silo's memory-stream queue can be lost from the live stream; the surviving
            // door sees the silo leave and delivers what its channels published after the last seq it delivered
            // (docs/architecture.md#front-door-gap-fill), so the tail arrives without a later event to reveal the gap.
            var seen = await recorded.WaitForCountAsync(channelId, count, TimeSpan.FromSeconds(60));
            seen.Select(m => m.Seq).ShouldBe(Enumerable.Range(1, count).Select(i => (long)i), $"stopped after {stoppedAfter.TotalSeconds:0.0} s\n{logs.Text}");
            seen.Select(m => m.Id).OrderBy(id => id).ShouldBe(acknowledged.Select(m => m.Id).OrderBy(id => id));
            (await sender.GetMessagesAsync(channelId, limit: 100)).Count.ShouldBe(count);
            stoppedAfter.ShouldBeLessThan(TimeSpan.FromSeconds(30));

            // The silo said goodbye: its membership row is Dead (6), not left Active or ShuttingDown for others to detect.
            await using var db = NpgsqlDataSource.Create(fixture.ConnectionString);
            await using var query = db.CreateCommand("SELECT status FROM orleansmembershiptable WHERE port = $1 ORDER BY generation DESC LIMIT 1");
            query.Parameters.AddWithValue(siloPort);
            (await query.ExecuteScalarAsync()).ShouldBe(6);
        }
    }
}
