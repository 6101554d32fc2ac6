using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using Chaos.Api.Gateway;
using Chaos.Api.Telemetry;
using Chaos.Tests.Communities;
using Chaos.Tests.Infrastructure;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;

namespace Chaos.Tests.Gateway;

/// <summary>
/// The front door's budget of pending bytes (<c>Chaos:Gateway:PendingBytesBudget</c>, docs/architecture.md#slow-consumers):
/// with 100 connections that never read in a busy channel and a budget far below what they would owe together (each
/// would be allowed 1 MiB on its own), what all connections owe never passes the budget by more than one message, the
/// budget (not the per-connection bound) closes every non-reading connection, and the connection that reads is never the
/// one closed and receives every message in order. Read from the lifetime manager's counters, not from timing.
/// </summary>
[StartsEarly(2)]
public sealed class PendingBytesBudgetTests : IAsyncLifetime
{
    private const long Budget = 256 * 1024;
    private const int Users = 10;
    private const int ConnectionsPerUser = 10;
    private const int MaxMessages = 3000;
    /// <summary>At most this many messages sent that the reader has not received: ~43 KB, below SignalR's 64 KiB transport pipe.</summary>
    private const int ReaderWindow = 10;
    private const int Senders = 4;

    /// <summary>More than one <c>MessageCreated</c> of a 4,000-character ASCII message serializes to (about 4.3 KB of JSON).</summary>
    private const long OneMessage = 8 * 1024;

    private ChaosServer? server;

    private ChaosServer Server => server ?? throw new InvalidOperationException("Not started.");

    public async Task InitializeAsync() => server = await ChaosServer.StartAsync(null, new Dictionary<string, string?>
    {
        ["Chaos:Gateway:PendingBytesBudget"] = Budget.ToString(CultureInfo.InvariantCulture),
    });

    public async Task DisposeAsync()
    {
        if (server is not null)
        {
            await server.DisposeAsync();
        }
    }

    [Fact]
    public async Task ManyConnectionsThatNeverRead_AreClosedByTheBudget_WhichIsNeverPassed_AndTheReaderKeepsEverything()
    {
        var (sender, channel, members) = await NonReadingSockets.BusyChannelAsync(Server, "crowded hall", Users);

        await using var reader = await GatewayClient.ConnectAsync(Server.BaseAddress, sender.AccessToken);
        var readerId = reader.Connection.ConnectionId;
        var registry = Server.Services.GetRequiredService<GatewayConnectionRegistry>();
        var metrics = Server.Services.GetRequiredService<GatewayMetrics>();
        var lifetime = (GatewayLifetimeManager)Server.Services.GetRequiredService<HubLifetimeManager<GatewayHub>>();
        const int slow = Users * ConnectionsPerUser;

        var sockets = new NonReadingSockets(Server);
        try
        {
            foreach (var member in members)
            {
                for (var i = 0; i < ConnectionsPerUser; i++)
                {
                    await sockets.OpenAsync(member.AccessToken);
                }
            }

            await Eventually.ReturnsAsync(() => Task.FromResult(registry.Count), n => n == 1 + slow, TimeSpan.FromSeconds(60), "every connection to be set up");

            // Sends until the budget has closed every non-reading connection. The reading connection paces the senders
            // (at most ReaderWindow messages it has not received yet): what it has not read fits in its transport pipe, so
            // its writes finish at once and it is never the connection that has waited longest, however slow this machine.
            using var window = new SemaphoreSlim(ReaderWindow);
            using var pacing = reader.Connection.On<JsonElement>("MessageCreated", _ => window.Release());
            var content = new string('x', 4000);
            var next = 0;
            var acknowledged = 0;
            var sends = Enumerable.Range(0, Senders).Select(async _ =>
            {
                while (metrics.SlowConsumersClosed < slow && Interlocked.Increment(ref next) is var i && i <= MaxMessages)
                {
                    (await window.WaitAsync(TimeSpan.FromSeconds(60))).ShouldBeTrue("the reading connection stopped receiving");
                    var response = await sender.Http.PostAsJsonAsync($"/api/v1/channels/{channel}/messages", new { content, nonce = i.ToString(CultureInfo.InvariantCulture) });
                    response.EnsureSuccessStatusCode();
                    Interlocked.Increment(ref acknowledged);
                }
            });
            await Task.WhenAll(sends);
            long sent = acknowledged;

            metrics.SlowConsumersClosedByBudget.ShouldBe(slow, "the budget, not the 1 MiB per-connection bound, closes every non-reading connection");
            metrics.SlowConsumersClosed.ShouldBe(slow, "nothing but the non-reading connections is closed");
            lifetime.PeakPendingBytes.ShouldBeGreaterThan(0);
            lifetime.PeakPendingBytes.ShouldBeLessThanOrEqualTo(Budget + OneMessage, "what all connections owe never passes the budget by more than one message");
            await Eventually.ReturnsAsync(() => Task.FromResult(registry.Count), n => n == 1, TimeSpan.FromSeconds(60), "the slow consumers to be gone");

            // The reading connection is the one still open, and it got everything, in order.
            reader.Connection.State.ShouldBe(HubConnectionState.Connected);
            reader.Connection.ConnectionId.ShouldBe(readerId);
            await reader.WaitForAsync("MessageCreated", m => m.GetProperty("seq").GetInt64() == sent, TimeSpan.FromSeconds(120));
            var seqs = reader.Payloads("MessageCreated").Where(m => m.GetProperty("channelId").GetString() == channel).Select(m => m.GetProperty("seq").GetInt64()).ToList();
            seqs.ShouldBe(Enumerable.Range(1, (int)sent).Select(i => (long)i).ToList());
            await Eventually.ReturnsAsync(() => Task.FromResult(lifetime.TotalPendingBytes), n => n == 0, TimeSpan.FromSeconds(60), "nothing to be owed once the reader has caught up");
        }
        finally
        {
            sockets.Dispose();
        }
    }
}
