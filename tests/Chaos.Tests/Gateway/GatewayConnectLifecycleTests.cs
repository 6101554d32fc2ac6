using Chaos.Accounts;
using Chaos.Api.Auth;
using Chaos.Api.Gateway;
using Chaos.Tests.Infrastructure;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.IdentityModel.JsonWebTokens;

namespace Chaos.Tests.Gateway;

/// <summary>
/// The edges of a connection's life on its own front door: a connect that fails part way leaves nothing registered or
/// subscribed, and a connection ends when its access token expires (API.md has no refresh on an open connection).
/// </summary>
public sealed class GatewayConnectLifecycleTests : IAsyncLifetime
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    private readonly FailingObserver failing = new();
    private ChaosServer? server;

    private ChaosServer Server => server!;

    public async Task InitializeAsync() =>
        server = await ChaosServer.StartAsync(null, configure: builder =>
            builder.Services.AddSingleton<IGatewayConnectionObserver>(failing));

    public async Task DisposeAsync() => await server!.DisposeAsync();

    [Fact]
    public async Task ConnectThatFailsAfterSubscribing_LeavesNoRegistrationOrSubscription()
    {
        var registry = Server.Services.GetRequiredService<GatewayConnectionRegistry>();
        var subscriptions = Server.Services.GetRequiredService<GatewayStreamSubscriptions>();
        var user = await Server.RegisterAsync();
        var community = await GatewayTests.CreateCommunityAsync(user);
        community.GetProperty("channels").GetArrayLength().ShouldBeGreaterThan(0);

        // Control: a connection that opens and closes gives everything back.
        await using (var ok = await GatewayClient.ConnectAsync(Server.BaseAddress, user.AccessToken))
        {
            registry.Count.ShouldBe(1);
            subscriptions.Count.ShouldBeGreaterThan(1);
        }

        await Eventually.ReturnsAsync(() => Task.FromResult((registry.Count, subscriptions.Count)), c => c == (0, 0), Deadline, "nothing left after a clean disconnect");

        // The last step of connecting throws (after Ready, its groups and its subscriptions): the connection closes and
        // leaves nothing behind.
        failing.Poisoned.Add(long.Parse(user.Id, System.Globalization.CultureInfo.InvariantCulture));
        var connection = new HubConnectionBuilder()
            .WithUrl(new Uri(Server.BaseAddress, "/gateway"), o =>
            {
                o.AccessTokenProvider = () => Task.FromResult<string?>(user.AccessToken);
                o.Transports = HttpTransportType.WebSockets;
                o.SkipNegotiation = true;
            })
            .Build();
        await using (connection)
        {
            var closed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            connection.Closed += _ =>
            {
                closed.TrySetResult();
                return Task.CompletedTask;
            };
            await connection.StartAsync();
            await closed.Task.WaitAsync(Deadline);
        }

        failing.Failures.ShouldBeGreaterThan(0);
        await Eventually.ReturnsAsync(() => Task.FromResult((registry.Count, subscriptions.Count)), c => c == (0, 0), Deadline, "nothing left after a failed connect");
    }

    [Fact]
    public async Task Connection_ClosesWhenItsAccessTokenExpires()
    {
        var user = await Server.RegisterAsync();
        var id = long.Parse(user.Id, System.Globalization.CultureInfo.InvariantCulture);
        var profile = (await Server.Services.GetRequiredService<IGrainFactory>().GetGrain<IUserGrain>(id).GetProfileAsync())!;
        var session = new JsonWebToken(user.AccessToken).GetClaim(JwtRegisteredClaimNames.Sid).Value;
        var settings = Server.Services.GetRequiredService<JwtSettings>() with { AccessTokenLifetime = TimeSpan.FromSeconds(4) };
        var (shortLived, _) = new AccessTokenIssuer(settings, TimeProvider.System).Issue(profile, session);

        await using var client = await GatewayClient.ConnectAsync(Server.BaseAddress, shortLived);
        var closed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        client.Connection.Closed += _ =>
        {
            closed.TrySetResult();
            return Task.CompletedTask;
        };
        if (client.Connection.State != HubConnectionState.Disconnected)
        {
            await closed.Task.WaitAsync(Deadline);
        }

        client.Connection.State.ShouldBe(HubConnectionState.Disconnected);
    }

    /// <summary>An observer that throws for the users in <see cref="Poisoned"/>: a connect failing at its very last step.</summary>
    private sealed class FailingObserver : IGatewayConnectionObserver
    {
        public HashSet<long> Poisoned { get; } = [];

        public int Failures { get; private set; }

        public Task OnConnectedAsync(string connectionId, long userId)
        {
            if (!Poisoned.Contains(userId))
            {
                return Task.CompletedTask;
            }

            Failures++;
            throw new InvalidOperationException("A connect that fails part way (test).");
        }

        public Task OnDisconnectedAsync(string connectionId, long userId) => Task.CompletedTask;
    }
}
