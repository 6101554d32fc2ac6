using System.Globalization;
using Chaos.Tests.Infrastructure;

namespace Chaos.Tests.Gateway;

/// <summary>
/// Two front-door processes, each co-hosting a silo, clustered through one fresh PostgreSQL database, shared by the tests
/// of <see cref="CrossFrontDoorTests"/> (they keep apart by fresh users and communities).
/// </summary>
public sealed class CrossFrontDoorFixture : IAsyncLifetime
{
    private ChaosProcess? first;
    private ChaosProcess? second;

    public ChaosProcess First => first ?? throw new InvalidOperationException("Not started.");

    public ChaosProcess Second => second ?? throw new InvalidOperationException("Not started.");

    public async Task InitializeAsync()
    {
        var connectionString = await PostgresServer.CreateDatabaseAsync();
        // CHAOS_STREAM_PULL_MS lets the latency figure be re-measured at other stream settings (docs/benchmarks.md).
        Dictionary<string, string> Settings() => new()
        {
            ["ConnectionStrings:Chaos"] = connectionString,
            ["Chaos:Passwords:MemoryKiB"] = "1024",
            ["Chaos:Passwords:Iterations"] = "1",
            ["Chaos:RateLimits:Enabled"] = "false",
            ["Chaos:Streams:PullPeriodMilliseconds"] = Environment.GetEnvironmentVariable("CHAOS_STREAM_PULL_MS") ?? "10",
            ["Chaos:SiloPort"] = PostgresServer.FreeTcpPort().ToString(CultureInfo.InvariantCulture),
            ["Chaos:GatewayPort"] = PostgresServer.FreeTcpPort().ToString(CultureInfo.InvariantCulture),
            ["Logging:LogLevel:Default"] = "Warning",
        };
        first = await ChaosProcess.StartAsync("api", PostgresServer.FreeTcpPort(), Settings());
        second = await ChaosProcess.StartAsync("api", PostgresServer.FreeTcpPort(), Settings());
    }

    public async Task DisposeAsync()
    {
        if (second is not null)
        {
            await second.DisposeAsync();
        }

        if (first is not null)
        {
            await first.DisposeAsync();
        }
    }
}
