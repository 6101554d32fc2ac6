using Chaos.Tests.Infrastructure;

namespace Chaos.Tests.Hosting;

/// <summary>
/// One front door with the Orleans dashboard on, shared by <see cref="AdminDashboardTests"/>: its tests only read, so one
/// boot serves them all. Users are registered first on a plain door, because the administrators' ids are configuration
/// read when the front door starts.
/// </summary>
public sealed class AdminDashboardFixture : IAsyncLifetime
{
    public const string Token = "an-administrator-token-of-at-least-32-bytes";

    private ChaosServer? server;
    private TestUser? admin;
    private TestUser? ordinary;

    public ChaosServer Server => server ?? throw new InvalidOperationException("Not started.");

    /// <summary>A user listed in <c>Chaos:Admin:Users</c>.</summary>
    public TestUser Admin => admin ?? throw new InvalidOperationException("Not started.");

    /// <summary>A user who is not an administrator.</summary>
    public TestUser Ordinary => ordinary ?? throw new InvalidOperationException("Not started.");

    public async Task InitializeAsync()
    {
        var connectionString = await PostgresServer.CreateDatabaseAsync();
        await using (var first = await ChaosServer.StartAsync(connectionString))
        {
            admin = await first.RegisterAsync();
            ordinary = await first.RegisterAsync();
        }

        server = await ChaosServer.StartAsync(connectionString, new Dictionary<string, string?>
        {
            ["Chaos:Admin:Dashboard"] = "true",
            ["Chaos:Admin:Token"] = Token,
            ["Chaos:Admin:Users:0"] = admin.Id,
        });
    }

    public async Task DisposeAsync()
    {
        if (server is not null)
        {
            await server.DisposeAsync();
        }
    }
}
