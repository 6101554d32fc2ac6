using System.Collections.Concurrent;
using System.Globalization;
using Chaos.Client;
using Chaos.Client.Communities;
using Chaos.Client.Gateway;
using Spectre.Console;

namespace Chaos.LoadTest;

/// <summary>Creates the users, communities and connections a scenario needs, and removes what it created afterwards.</summary>
internal sealed class Harness(LoadSettings settings, ProgressContext progress) : IAsyncDisposable
{
    private readonly ConcurrentBag<ChaosClient> users = [];
    private readonly ConcurrentBag<ChaosGateway> gateways = [];
    private readonly ConcurrentBag<(ChaosClient Owner, string CommunityId)> communities = [];
    private readonly string runId = DateTime.UtcNow.ToString("MMddHHmmss", CultureInfo.InvariantCulture);

    public LoadSettings Settings => settings;

    public ProgressTask Phase(string name, double total) => progress.AddTask(name, maxValue: Math.Max(1, total));

    public async Task<ChaosClient[]> RegisterAsync(int count)
    {
        var phase = Phase($"register {count} users", count);
        var created = new ChaosClient[count];
        await ForEachAsync(Enumerable.Range(0, count), async i =>
        {
            var client = new ChaosClient(settings.Url(i));
            var name = $"lt{runId}_{i}_{Random.Shared.Next(1000):000}";
            for (var attempt = 1; ; attempt++)
            {
                try
                {
                    await client.RegisterAsync(name, "load-test-password");
                    break;
                }
                catch (Client.Errors.ChaosApiException busy) when (busy.Status == System.Net.HttpStatusCode.TooManyRequests && attempt < 60)
                {
                    // The password-hash queue is full (a busy server, or a hostile run's flood): wait as told, as a real client does.
                    await Task.Delay(busy.RetryAfter ?? TimeSpan.FromSeconds(1));
                }
            }

            created[i] = client;
            users.Add(client);
            phase.Increment(1);
        });
        return created;
    }

    /// <summary>A community owned by <paramref name="owner"/> that every one of <paramref name="members"/> joined.</summary>
    public async Task<Community> CommunityAsync(ChaosClient owner, IReadOnlyList<ChaosClient> members)
    {
        var community = await owner.CreateCommunityAsync($"load {runId}");
        communities.Add((owner, community.Id));
        var invite = await owner.CreateInviteAsync(community.Id, maxUses: 0, maxAgeSeconds: 3600);
        var phase = Phase($"join {members.Count} members", members.Count);
        await ForEachAsync(members.Where(m => m != owner), async member =>
        {
            await member.AcceptInviteAsync(invite.Code);
            phase.Increment(1);
        });
        phase.Value = phase.MaxValue;
        return community;
    }

    /// <summary>Opens one gateway per client (front doors round-robin) and waits for each <c>Ready</c>.</summary>
    public async Task<ChaosGateway[]> ConnectAsync(IReadOnlyList<ChaosClient> clients, Action<int, ChaosGateway>? configure = null, int? concurrency = null)
    {
        var phase = Phase($"connect {clients.Count} gateways", clients.Count);
        var connected = new ChaosGateway[clients.Count];
        await ForEachAsync(Enumerable.Range(0, clients.Count), async i =>
        {
            var options = new ChaosGatewayOptions { Protocol = settings.Protocol };
            options.FrontDoors.Add(settings.Url(i));
            var gateway = new ChaosGateway(clients[i], options);
            configure?.Invoke(i, gateway);
            await gateway.StartAsync();
            connected[i] = gateway;
            gateways.Add(gateway);
            phase.Increment(1);
        }, concurrency);
        return connected;
    }

    public async Task ForEachAsync<T>(IEnumerable<T> items, Func<T, Task> body, int? concurrency = null) =>
        await Parallel.ForEachAsync(items, new ParallelOptions { MaxDegreeOfParallelism = concurrency ?? settings.SetupConcurrency }, async (item, _) => await body(item));

    public async ValueTask DisposeAsync()
    {
        var phase = Phase("clean up", gateways.Count + communities.Count + users.Count);
        await ForEachAsync(gateways, async g =>
        {
            await g.DisposeAsync();
            phase.Increment(1);
        }, 64);
        foreach (var (owner, communityId) in communities)
        {
            try
            {
                await owner.DeleteCommunityAsync(communityId);
            }
            catch (Exception exception) when (exception is Client.Errors.ChaosApiException or HttpRequestException)
            {
                AnsiConsole.MarkupLineInterpolated($"[yellow]could not delete community {communityId}: {exception.Message}[/]");
            }

            phase.Increment(1);
        }

        await ForEachAsync(users, async u =>
        {
            try
            {
                // Accounts cannot be deleted through the API: the load users are logged out and left behind, their communities are gone.
                await u.LogoutAsync();
            }
            catch (Exception exception) when (exception is Client.Errors.ChaosApiException or HttpRequestException)
            {
            }

            u.Dispose();
            phase.Increment(1);
        });
    }
}
