using System.Net.Http.Headers;
using System.Net.Http.Json;
using Chaos.Api.Gateway;
using Chaos.Api.Hosting;

namespace Chaos.Tests.Infrastructure;

/// <summary>
/// A real front door (co-hosting its silo) started in this process on loopback sockets: tests talk to it over real
/// HTTP and real SignalR connections, exactly like clients do.
/// </summary>
public sealed class ChaosServer : IAsyncDisposable
{
    private readonly WebApplication app;

    private ChaosServer(WebApplication app, Uri baseAddress)
    {
        this.app = app;
        BaseAddress = baseAddress;
        Http = new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(60) };
    }

    public Uri BaseAddress { get; }

    public HttpClient Http { get; }

    public IServiceProvider Services => app.Services;

    /// <summary>Starts a front door; <paramref name="connectionString"/> null means standalone in-memory mode.</summary>
    public static async Task<ChaosServer> StartAsync(string? connectionString, IDictionary<string, string?>? settings = null, Action<WebApplicationBuilder>? configure = null)
    {
        var args = new List<string>
        {
            "--urls=http://127.0.0.1:0",
            $"--Chaos:SiloPort={PostgresServer.FreeTcpPort()}",
            $"--Chaos:GatewayPort={PostgresServer.FreeTcpPort()}",
            // Tests register many users: a cheap Argon2id cost keeps them fast; the code path is the production one.
            "--Chaos:Passwords:MemoryKiB=1024",
            "--Chaos:Passwords:Iterations=1",
            // A loaded CI machine must not starve a test's registrations: hashing at normal priority, no wait bound
            // (PasswordHashingTests covers both).
            "--Chaos:Passwords:Niceness=0",
            "--Chaos:Passwords:MaxWaitMilliseconds=600000",
            "--Logging:LogLevel:Default=Warning",
            // Tests drive single users hard; the rate-limit tests turn limits back on explicitly.
            "--Chaos:RateLimits:Enabled=false",
            "--Logging:LogLevel:Microsoft.Hosting.Lifetime=Warning",
            // A disposed test door does not wait long for clients a test left connected.
            "--Chaos:Shutdown:DrainSeconds=2",
        };
        if (connectionString is not null)
        {
            args.Add($"--ConnectionStrings:Chaos={connectionString}");
        }

        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            args.Add($"--{key}={value}");
        }

        return await BootLog.TimeAsync(connectionString is null ? "server (in-memory)" : "server", async () =>
        {
            var app = await ChaosApplication.CreateAsync([.. args], configure);
            await app.StartAsync();
            return new ChaosServer(app, new Uri(app.Urls.First()));
        });
    }

    /// <summary>A client whose requests carry <paramref name="accessToken"/>.</summary>
    public HttpClient CreateClient(string? accessToken = null)
    {
        var client = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(60) };
        if (accessToken is not null)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", accessToken);
        }

        return client;
    }

    /// <summary>Registers a fresh user with a unique name and returns the auth response.</summary>
    public async Task<TestUser> RegisterAsync(string? username = null, string password = "correct horse battery")
    {
        username ??= TestUser.UniqueName();
        var response = await Http.PostAsJsonAsync("/api/v1/auth/register", new { username, password });
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"Register failed: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        }

        var auth = await response.Content.ReadFromJsonAsync<AuthBody>() ?? throw new InvalidOperationException("Empty register response.");
        return new TestUser(auth.User.Id, username, password, auth.AccessToken, auth.RefreshToken, CreateClient(auth.AccessToken));
    }

    /// <summary>Logs an existing user in (e.g. after a restart on the same database) and returns the auth response.</summary>
    public async Task<TestUser> LoginAsync(string username, string password = "correct horse battery")
    {
        var response = await Http.PostAsJsonAsync("/api/v1/auth/login", new { username, password });
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"Login failed: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        }

        var auth = await response.Content.ReadFromJsonAsync<AuthBody>() ?? throw new InvalidOperationException("Empty login response.");
        return new TestUser(auth.User.Id, username, password, auth.AccessToken, auth.RefreshToken, CreateClient(auth.AccessToken));
    }

    /// <summary>
    /// Stops with an already-cancelled token: the co-hosted silo shuts down ungracefully (no grain hand-off, no goodbye to
    /// the membership table; the others must detect the death) and Kestrel aborts its connections — a crash, in-process.
    /// </summary>
    public async ValueTask KillAsync()
    {
        Http.Dispose();
        app.Services.GetRequiredService<GatewayDrain>().Abandon();
        try
        {
            await app.StopAsync(new CancellationToken(canceled: true));
        }
        catch (OperationCanceledException)
        {
            // Expected: nothing waits for a graceful stop.
        }

        await app.DisposeAsync();
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        try
        {
            await app.StopAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            // Shutdown is best effort in tests.
        }

        await app.DisposeAsync();
    }
}
