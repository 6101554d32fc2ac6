using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Chaos.Tests.Gateway;
using Chaos.Tests.Infrastructure;
using Microsoft.AspNetCore.SignalR.Client;

namespace Chaos.Tests.Deployment;

/// <summary>
/// What <c>/metrics</c> really emits after a conversation on a PostgreSQL-backed front door, and that the chart's
/// Grafana dashboard charts only metric families that exist.
/// </summary>
public sealed partial class MetricsEndpointTests(ApiFixture fixture) : IClassFixture<ApiFixture>
{
    /// <summary>Families only voice traffic or presence watchers create; their names are defined beside their counters.</summary>
    private static readonly string[] NotExercisedHere = ["chaos_voice_frames_forwarded_total", "chaos_voice_frames_dropped_total", "presence_delivered_total"];

    [Fact]
    public async Task AfterAConversation_MetricsCoverConnectionsSendsDeliveriesLagActivationsAndCommits()
    {
        var server = fixture.Server;
        var owner = await server.RegisterAsync();
        var outsider = await server.RegisterAsync();
        var community = await GatewayTests.CreateCommunityAsync(owner);
        var general = GatewayTests.GeneralChannel(community);
        await using var client = await GatewayClient.ConnectAsync(server.BaseAddress, owner.AccessToken);

        await client.Connection.InvokeAsync<JsonElement>("SendMessage", general, "measured", "nonce-metrics");
        await client.WaitForAsync("MessageCreated", m => m.GetProperty("content").GetString() == "measured");
        (await outsider.Http.PostAsJsonAsync($"/api/v1/channels/{general}/messages", new { content = "let me in" })).IsSuccessStatusCode.ShouldBeFalse();

        string[] expected =
        [
            "chaos_gateway_connections", "chaos_messages_accepted_total", "chaos_messages_rejected_total",
            "chaos_gateway_deliveries_total", "chaos_fanout_lag_milliseconds_bucket",
            "messages_persisted_total", "message_batch_size_bucket", "message_persist_duration_milliseconds_bucket",
            "orleans_catalog_activations", "db_client_operation_duration_seconds_bucket", "http_server_request_duration_seconds_bucket",
            "dotnet_gc_last_collection_heap_size_bytes", "dotnet_process_memory_working_set_bytes",
        ];
        var scrape = await Eventually.ReturnsAsync(
            () => server.Http.GetStringAsync("/metrics"),
            text => expected.All(text.Contains),
            TimeSpan.FromSeconds(20),
            "every expected metric family on /metrics");

        Lines(scrape, "chaos_messages_rejected_total").ShouldContain(l => l.Contains("code=\"not_a_member\"", StringComparison.Ordinal));
        Lines(scrape, "chaos_gateway_deliveries_total").ShouldContain(l => l.Contains("event=\"MessageCreated\"", StringComparison.Ordinal));

        // Values are not compared: the test process hosts several front doors at once, and an OpenTelemetry meter
        // provider listens to every "Chaos" meter in the process, so one server's gauge may report another's count.
        var families = MetricName().Matches(scrape).Select(m => m.Groups[1].Value).ToHashSet();
        foreach (var metric in DashboardMetrics().Except(NotExercisedHere))
        {
            families.ShouldContain(metric, $"the dashboard charts {metric}, which /metrics does not emit");
        }
    }

    private static List<string> Lines(string scrape, string name) =>
        [.. scrape.Split('\n').Where(l => l.StartsWith(name + "{", StringComparison.Ordinal))];

    private static IEnumerable<string> DashboardMetrics()
    {
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(DeploymentTools.Chart, "dashboards", "chaos.json")));
        return json.RootElement.GetProperty("panels").EnumerateArray()
            .Where(p => p.TryGetProperty("targets", out _))
            .SelectMany(p => p.GetProperty("targets").EnumerateArray())
            .SelectMany(t => DashboardMetric().Matches(t.GetProperty("expr").GetString()!).Select(m => m.Groups[1].Value))
            .Distinct()
            .ToList();
    }

    [GeneratedRegex(@"^([a-z_]+)[{ ]", RegexOptions.Multiline)]
    private static partial Regex MetricName();

    [GeneratedRegex(@"\b([a-z][a-z_]+)\{job=")]
    private static partial Regex DashboardMetric();
}
