using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using Chaos.Api.Gateway;
using Chaos.Api.Telemetry;
using Chaos.Tests.Communities;
using Chaos.Tests.Infrastructure;
using Microsoft.AspNetCore.SignalR.Client;
using Xunit.Abstractions;

namespace Chaos.Tests.Gateway;

/// <summary>
/// 200 gateway connections that complete the SignalR handshake (with stateful reconnect) and then never read again, while
/// a channel they are in is busy: each is closed as a slow consumer (by the front door's pending-bytes budget or its own
/// <c>Chaos:Gateway:MaxPendingBytes</c>, whichever comes first) and then removed with everything it held, and a connection that does read receives
/// every message in <c>seq</c> order (issue 11, item 5; docs/architecture.md#slow-consumers). The managed heap is printed,
/// not asserted: other test classes run in this process at the same time (1.8 GiB of heap in one full run), so its growth
/// says nothing about this test alone; docs/benchmarks.md records the figures.
/// </summary>
[StartsEarly(2)]
public sealed class SlowConsumerTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const int Users = 20;
    private const int ConnectionsPerUser = 10;
    private const int Messages = 3000;
    private const int ReaderWindow = 10;

    private ChaosServer? server;

    private ChaosServer Server => server ?? throw new InvalidOperationException("Not started.");

    public async Task InitializeAsync() => server = await ChaosServer.StartAsync(null);

    public async Task DisposeAsync()
    {
        if (server is not null)
        {
            await server.DisposeAsync();
        }
    }

    [Fact]
    public async Task ConnectionsThatNeverRead_AreClosedAsSlowConsumers_AndLeaveNothingBehind()
    {
        var (sender, channel, members) = await NonReadingSockets.BusyChannelAsync(Server, "busy hall", Users);

        await using var reader = await GatewayClient.ConnectAsync(Server.BaseAddress, sender.AccessToken);
        var registry = Server.Services.GetRequiredService<GatewayConnectionRegistry>();
        var metrics = Server.Services.GetRequiredService<GatewayMetrics>();
        var before = Heap();

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

            await Eventually.ReturnsAsync(() => Task.FromResult(registry.Count), n => n == 1 + (Users * ConnectionsPerUser), TimeSpan.FromSeconds(60), "every connection to be set up");

            // The reading connection paces the senders: at most ReaderWindow messages (~43 KB) are sent that it has not
            // received yet, so what it has not read fits in its 64 KiB transport pipe, its writes finish at once, and it
            // neither nears MaxPendingBytes nor is ever the connection that has waited longest (the budget's first
            // victim), however slow this machine is (on a loaded CI machine an unpaced burst once left the reader itself
            // more than 1 MiB behind, and it was closed too, correctly). The non-reading connections still owe every message.
            using var window = new SemaphoreSlim(ReaderWindow);
            using var pacing = reader.Connection.On<JsonElement>("MessageCreated", _ => window.Release());
            var content = new string('x', 4000);
            var sends = Enumerable.Range(0, Messages).Chunk(Messages / 8).Select(async batch =>
            {
                foreach (var i in batch)
                {
                    (await window.WaitAsync(TimeSpan.FromSeconds(60))).ShouldBeTrue("the reading connection stopped receiving");
                    var response = await sender.Http.PostAsJsonAsync($"/api/v1/channels/{channel}/messages", new { content, nonce = i.ToString(CultureInfo.InvariantCulture) });
                    response.EnsureSuccessStatusCode();
                }
            });
            await Task.WhenAll(sends);

            await Eventually.ReturnsAsync(() => Task.FromResult(metrics.SlowConsumersClosed), n => n >= Users * ConnectionsPerUser, TimeSpan.FromSeconds(120), "every non-reading connection to be closed as a slow consumer");
            await Eventually.ReturnsAsync(() => Task.FromResult(registry.Count), n => n == 1, TimeSpan.FromSeconds(60), "the slow consumers to be gone");

            // The connection that reads got everything, in order: nothing acknowledged was lost to it.
            await reader.WaitForAsync("MessageCreated", m => m.GetProperty("seq").GetInt64() == Messages, TimeSpan.FromSeconds(120));
            var seqs = reader.Payloads("MessageCreated").Where(m => m.GetProperty("channelId").GetString() == channel).Select(m => m.GetProperty("seq").GetInt64()).ToList();
            seqs.ShouldBe(Enumerable.Range(1, Messages).Select(i => (long)i).ToList());

            var after = Heap();
            output.WriteLine($"managed heap: {before / 1048576.0:0.0} MiB before, {after / 1048576.0:0.0} MiB after {Users * ConnectionsPerUser} non-reading connections and {Messages} messages of 4,000 characters (growth {(after - before) / 1048576.0:0.0} MiB)");
        }
        finally
        {
            sockets.Dispose();
        }
    }

    private static long Heap() => GC.GetTotalMemory(forceFullCollection: true);
}
