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
        var streams = new Dictionary<string, string>
        {
            ["Chaos:Streams:PullPeriodMilliseconds"] = Environment.GetEnvironmentVariable("CHAOS_STREAM_PULL_MS") ?? "10",
        };
        first = await ChaosProcess.StartAsync("api", connectionString, ChaosProcessPorts.Free(), streams);
        second = await ChaosProcess.StartAsync("api", connectionString, ChaosProcessPorts.Free(), streams);
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
