using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json;
using Chaos.Telemetry;
using Chaos.Tests.Gateway;
using Chaos.Tests.Infrastructure;
using Microsoft.AspNetCore.SignalR.Client;
using Xunit.Abstractions;

namespace Chaos.Tests.Deployment;

/// <summary>
/// With an OTLP endpoint configured, a send is one trace from the hub call (SignalR) through the grain calls (Orleans
/// activity propagation) and the commit (Npgsql) to the stream publish and the front door's delivery: the event carries
/// the publisher's trace context (<c>GatewayEvent.TraceParent</c>), so the delivery span is a child in the same trace.
/// The endpoint answers nothing; spans are read in-process.
/// </summary>
public sealed class TracingTests(ITestOutputHelper output) : IAsyncLifetime
{
    private readonly ConcurrentBag<Activity> stopped = [];
    private ActivityListener? listener;
    private ChaosServer? server;

    public async Task InitializeAsync()
    {
        listener = new ActivityListener
        {
            ShouldListenTo = source => Chaos.Hosting.ChaosTelemetryExtensions.Sources.Contains(source.Name),
            Sample = (ref _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = stopped.Add,
        };
        ActivitySource.AddActivityListener(listener);
        server = await ChaosServer.StartAsync(
            await PostgresServer.CreateDatabaseAsync(),
            new Dictionary<string, string?> { ["Chaos:Telemetry:OtlpEndpoint"] = "http://127.0.0.1:9" });
    }

    public async Task DisposeAsync()
    {
        listener?.Dispose();
        foreach (var trace in stopped.GroupBy(a => a.TraceId).Where(t => t.Any(a => a.DisplayName.Contains("SendMessage", StringComparison.Ordinal) || a.GetTagItem("chaos.event") is not null)).Take(20))
        {
            output.WriteLine($"{trace.Key}: {string.Join(" | ", trace.Select(a => $"{a.Source.Name}:{a.DisplayName}:{a.GetTagItem("chaos.event")}"))}");
        }

        if (server is not null)
        {
            await server.DisposeAsync();
        }
    }

    [Fact]
    public async Task ASend_IsOneTrace_FromHubCallThroughGrainCallsAndCommitToPublishAndDelivery()
    {
        var owner = await server!.RegisterAsync();
        var community = await GatewayTests.CreateCommunityAsync(owner);
        var general = GatewayTests.GeneralChannel(community);
        await using var client = await GatewayClient.ConnectAsync(server.BaseAddress, owner.AccessToken);

        await client.Connection.InvokeAsync<JsonElement>("SendMessage", general, "traced", "nonce-traced");
        await client.WaitForAsync("MessageCreated", m => m.GetProperty("content").GetString() == "traced");

        var trace = await Eventually.ReturnsAsync(
            () => Task.FromResult(CompleteTrace()),
            spans => spans is not null,
            TimeSpan.FromSeconds(30),
            "one trace with the hub call, the grain call, the commit, the publish and the delivery");
        trace.ShouldNotBeNull();
        trace.ShouldContain(a => a.Source.Name == "Microsoft.AspNetCore.SignalR.Server");
        var deliver = trace.Single(IsMessageDelivery);
        deliver.ParentSpanId.ShouldNotBe(default, "the delivery span is a child of the publishing span, not a root");
    }

    private static bool IsMessageDelivery(Activity a) =>
        a.Source.Name == ChaosTelemetry.Name && a.DisplayName == "chaos.gateway.deliver" && a.GetTagItem("chaos.event") is "MessageCreated";

    /// <summary>The spans of a trace that holds a SendMessage hub call, its grain call, a commit, a stream publish or relay push, and the delivery.</summary>
    private List<Activity>? CompleteTrace()
    {
        foreach (var trace in stopped.GroupBy(a => a.TraceId))
        {
            var spans = trace.ToList();
            var hub = spans.Any(a => a.Source.Name == "Microsoft.AspNetCore.SignalR.Server" && a.DisplayName.EndsWith("SendMessage", StringComparison.Ordinal));
            var grain = spans.Any(a => a.Source.Name.StartsWith("Microsoft.Orleans", StringComparison.Ordinal) && a.DisplayName.Contains("SendMessage", StringComparison.Ordinal));
            var commit = spans.Any(a => a.Source.Name == "Npgsql");
            // Published on the stream, or pushed to the front door's relay (the default for MessageCreated:
            // docs/architecture.md#push-relay-for-channel-events).
            var publish = spans.Any(a => a.DisplayName.Contains("IStreamQueueGrain/Enqueue", StringComparison.Ordinal)
                || a.DisplayName.Contains("IChannelRelay/OnChannelEventsAsync", StringComparison.Ordinal));
            var delivery = spans.Any(IsMessageDelivery);
            if (hub && grain && commit && publish && delivery)
            {
                return spans;
            }
        }

        return null;
    }
}
