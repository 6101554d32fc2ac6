using System.Net;
using Chaos.Tests.Infrastructure;

namespace Chaos.Tests.Hosting;

/// <summary>The dedicated silo (<c>dotnet run --project silo</c>) as operators run it: a real process whose HTTP serves health and metrics.</summary>
public sealed class DedicatedSiloTests
{
    [Fact]
    public async Task DedicatedSilo_ServesHealth_AndPrometheusMetricsWithOrleansAndRequestMeters()
    {
        var connectionString = await PostgresServer.CreateDatabaseAsync();
        await using var silo = await ChaosProcess.StartAsync("silo", connectionString, ChaosProcessPorts.Free());
        using var http = new HttpClient { BaseAddress = silo.HttpAddress, Timeout = TimeSpan.FromSeconds(30) };

        (await http.GetAsync("/health/live")).StatusCode.ShouldBe(HttpStatusCode.OK);
        var metrics = await http.GetAsync("/metrics");
        metrics.StatusCode.ShouldBe(HttpStatusCode.OK, silo.Output);

        // The exporter caches a scrape briefly and request durations are recorded as requests end: await both meters.
        var text = await Eventually.ReturnsAsync(
            () => http.GetStringAsync("/metrics"),
            t => t.Contains("http_server_request_duration", StringComparison.Ordinal) && t.Contains("orleans_", StringComparison.Ordinal),
            TimeSpan.FromSeconds(30),
            "request and Orleans metrics from the dedicated silo");
        text.ShouldContain("# TYPE");
    }
}
