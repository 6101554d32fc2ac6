namespace Chaos.Tests.Infrastructure;

/// <summary>
/// Two real front-door processes co-hosting silos in one cluster on one PostgreSQL database, for the tests that kill one
/// of them. Disposing closes the gateway clients the test added, then stops B and A (a killed one is already gone).
/// </summary>
public sealed class TwoFrontDoors : IAsyncDisposable
{
    private TwoFrontDoors(ChaosProcess a, ChaosProcess b) => (A, B) = (a, b);

    public ChaosProcess A { get; }

    public ChaosProcess B { get; }

    /// <summary>Gateway clients closed before the processes stop.</summary>
    public List<GatewayClient> Clients { get; } = [];

    public static async Task<TwoFrontDoors> StartAsync(IReadOnlyDictionary<string, string>? settings = null)
    {
        var connectionString = await PostgresServer.CreateDatabaseAsync();
        var a = await ChaosProcess.StartAsync("api", connectionString, ChaosProcessPorts.Free(), settings);
        try
        {
            return new TwoFrontDoors(a, await ChaosProcess.StartAsync("api", connectionString, ChaosProcessPorts.Free(), settings));
        }
        catch
        {
            // The second process did not become ready: the first one still stops.
            await a.DisposeAsync();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var client in Clients)
        {
            await client.DisposeAsync();
        }

        await B.DisposeAsync();
        await A.DisposeAsync();
    }
}
