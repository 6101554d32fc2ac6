using Chaos.Accounts;
using Chaos.Api.Auth;
using Chaos.Api.Gateway;
using System.Net.Http.Json;
using Chaos.Tests.Infrastructure;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.IdentityModel.JsonWebTokens;

namespace Chaos.Tests.Gateway;

/// <summary>
/// The edges of a connection's life on its own front door: a connect that fails part way leaves nothing registered or
/// subscribed, and a connection ends when its access token expires (docs/api.md has no refresh on an open connection).
/// </summary>
public sealed class GatewayConnectLifecycleTests : IAsyncLifetime
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    private readonly FailingObserver failing = new();
    private readonly FailingViews views = new();
    private readonly HeldSnapshots held = new();
    private ChaosServer? server;

    private ChaosServer Server => server!;

    public async Task InitializeAsync() =>
        server = await ChaosServer.StartAsync(null, configure: builder =>
        {
            builder.Services.AddSingleton<IGatewayConnectionObserver>(failing);
            builder.Services.AddSingleton<IOutgoingGrainCallFilter>(views);
            builder.Services.AddSingleton<IReadyContributor>(held);
        });

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
        var settings = Server.Services.GetRequiredService<JwtSettings>() with { AccessTokenLifetime = TimeSpan.FromSeconds(15) };
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

    [Fact]
    public async Task FailedReevaluation_DropsAccess_AndARetryRestoresIt()
    {
        var owner = await Server.RegisterAsync();
        var x = await Server.RegisterAsync();
        var witness = await Server.RegisterAsync();
        var community = await GatewayTests.CreateCommunityAsync(owner);
        var communityId = community.GetProperty("id").GetString()!;
        var general = GatewayTests.GeneralChannel(community);
        await GatewayTests.JoinAsync(owner, x, community);
        await GatewayTests.JoinAsync(owner, witness, community);
        var role = await owner.Http.PostAsJsonAsync($"/api/v1/communities/{communityId}/roles", new { name = "flaky" });
        role.StatusCode.ShouldBe(System.Net.HttpStatusCode.Created, await role.Content.ReadAsStringAsync());
        var roleId = (await role.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>()).GetProperty("id").GetString();
        await using var xClient = await GatewayClient.ConnectAsync(Server.BaseAddress, x.AccessToken);
        await using var witnessClient = await GatewayClient.ConnectAsync(Server.BaseAddress, witness.AccessToken);

        // The Community grain stops answering x's view (a timeout, as when its silo fails over); a change of x's roles
        // needs that view.
        views.Failing = long.Parse(x.Id, System.Globalization.CultureInfo.InvariantCulture);
        var grant = await owner.Http.PutAsync($"/api/v1/communities/{communityId}/members/{x.Id}/roles/{roleId}", null);
        grant.StatusCode.ShouldBe(System.Net.HttpStatusCode.OK, await grant.Content.ReadAsStringAsync());
        await GatewayTests.SendAsync(owner, general, "while-unknown");
        await witnessClient.WaitForAsync("MessageCreated", m => m.GetProperty("content").GetString() == "while-unknown", Deadline);
        views.Failures.ShouldBeGreaterThan(0);
        xClient.Payloads("MessageCreated").ShouldNotContain(m => m.GetProperty("content").GetString() == "while-unknown", "access is dropped, not kept, while it cannot be checked");

        // The grain answers again: the retry restores the community (CommunityJoined), and its events flow again.
        views.Failing = null;
        await xClient.WaitForAsync("CommunityJoined", c => c.GetProperty("id").GetString() == communityId, Deadline);
        await GatewayTests.SendAsync(owner, general, "restored");
        await xClient.WaitForAsync("MessageCreated", m => m.GetProperty("content").GetString() == "restored", Deadline);
    }

    /// <summary>
    /// A join dispatched while a connection reads its snapshot, and the join's delivery barrier giving up on that
    /// connection (held here past the barrier's 10 s bound, as a machine at a load average near 100 once did in
    /// DeliveryOnJoinTests): the community is folded into the connection's Ready, so a message sent the moment Ready
    /// arrives reaches it (docs/architecture.md#access-re-evaluation). Before, Ready lacked it and a replay after Ready
    /// announced it, racing the client.
    /// </summary>
    [Fact]
    public async Task JoinWhileTheSnapshotIsRead_IsInReady_EvenWhenTheBarrierGaveUp()
    {
        var owner = await Server.RegisterAsync();
        var x = await Server.RegisterAsync();
        var community = await GatewayTests.CreateCommunityAsync(owner);
        var communityId = community.GetProperty("id").GetString()!;
        var xId = long.Parse(x.Id, System.Globalization.CultureInfo.InvariantCulture);
        held.Hold(xId);
        var connecting = GatewayClient.ConnectAsync(Server.BaseAddress, x.AccessToken);

        // x's community ids are read (none); the join happens now, and answers once the barrier stopped waiting for x's
        // connection, which cannot settle while its snapshot is held.
        await held.Reached(xId).WaitAsync(Deadline);
        await GatewayTests.JoinAsync(owner, x, community);
        held.Release(xId);

        await using var client = await connecting;
        client.Payloads("Ready").Single().GetProperty("communities").EnumerateArray()
            .Select(c => c.GetProperty("id").GetString()).ShouldContain(communityId, "the join is folded into Ready");
        await GatewayTests.SendAsync(owner, GatewayTests.GeneralChannel(community), "right after Ready");
        await client.WaitForAsync("MessageCreated", m => m.GetProperty("content").GetString() == "right after Ready", Deadline);
        client.Payloads("CommunityJoined").ShouldNotContain(c => c.GetProperty("id").GetString() == communityId, "in Ready, so not announced again");
    }

    /// <summary>Holds the snapshot of chosen users part way (after their community ids are read) until released.</summary>
    private sealed class HeldSnapshots : IReadyContributor
    {
        private readonly System.Collections.Concurrent.ConcurrentDictionary<long, (TaskCompletionSource Reached, TaskCompletionSource Released)> gates = new();

        public void Hold(long userId) =>
            gates[userId] = (new(TaskCreationOptions.RunContinuationsAsynchronously), new(TaskCreationOptions.RunContinuationsAsynchronously));

        public Task Reached(long userId) => gates[userId].Reached.Task;

        public void Release(long userId) => gates[userId].Released.TrySetResult();

        public async Task ContributeAsync(ReadyBuilder ready, CancellationToken cancellationToken)
        {
            if (gates.TryGetValue(ready.UserId, out var gate) && !gate.Released.Task.IsCompleted)
            {
                gate.Reached.TrySetResult();
                await gate.Released.Task.WaitAsync(cancellationToken);
            }
        }
    }

    /// <summary>Makes the Community grain's view of one user time out, as a failing-over silo would.</summary>
    private sealed class FailingViews : IOutgoingGrainCallFilter
    {
        private long failing;
        private int failures;

        public long? Failing
        {
            get => Interlocked.Read(ref failing) is var id and not 0 ? id : null;
            set => Interlocked.Exchange(ref failing, value ?? 0);
        }

        public int Failures => Volatile.Read(ref failures);

        public Task Invoke(IOutgoingGrainCallContext context)
        {
            if (context.InterfaceMethod is { Name: nameof(Chaos.Communities.ICommunityGrain.GetAsync) } method
                && method.DeclaringType == typeof(Chaos.Communities.ICommunityGrain)
                && Failing is { } id && context.Request.GetArgument(0) is long userId && userId == id)
            {
                Interlocked.Increment(ref failures);
                throw new TimeoutException("The community grain did not answer (test).");
            }

            return context.Invoke();
        }
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
