using Chaos.Communities;
using Chaos.Messages;
using Chaos.Support;
using Chaos.Tests.Communities;
using Chaos.Tests.Infrastructure;
using Npgsql;
using Orleans.TestingHost;

namespace Chaos.Tests.Support;

/// <summary>
/// The desk grain on a real 2-silo cluster on PostgreSQL: the silo hosting it is killed while 60 conversations are being
/// started (and routed) concurrently. Every start is retried with its own id until it answers, as the front door does.
/// Afterwards every conversation exists exactly once with exactly one first message, no agent holds more than its
/// capacity, and the queue holds the rest in one unbroken order.
/// </summary>
[StartsEarly]
public sealed class SupportDeskFailoverTests
{
    private const int Guests = 60;
    private const int Capacity = 10;

    [Fact]
    public async Task KillingTheSiloOfTheDeskMidRouting_LosesAndDuplicatesNothing()
    {
        var connectionString = await PostgresServer.CreateDatabaseAsync();
        var cluster = await ChaosTestCluster.StartAsync(connectionString);
        try
        {
            var client = cluster.Client;
            var owner = await CommunityGrainKit.RegisterAsync(client, "owner");
            var communityId = CommunityGrainKit.NewId();
            await client.GetGrain<ICommunityGrain>(communityId).CreateAsync(owner, "Help desk", null);
            var desk = client.GetGrain<ISupportDeskGrain>(communityId);
            await desk.ConfigureAsync(owner, new SupportDeskChange(true, "hi", "away"));
            await desk.SetAgentAsync(owner, SupportAgentStatus.Available, Capacity, null);

            var management = client.GetGrain<IManagementGrain>(0);
            var host = await management.GetActivationAddress(desk);
            host.ShouldNotBeNull();
            var ids = Enumerable.Range(0, Guests).Select(_ => CommunityGrainKit.NewId()).ToList();
            var started = 0;
            var killed = new TaskCompletionSource();
            var starts = ids.Select(async (id, i) =>
            {
                // A third of the starts go in before the kill, the rest race it or come after it.
                if (i >= Guests / 3)
                {
                    await killed.Task;
                }

                var conversation = await Eventually.ReturnsAsync(
                    async () =>
                    {
                        try
                        {
                            return await desk.StartAsync(id, new SupportGuest($"Guest {i}", null), $"question {i}");
                        }
                        catch (Exception exception) when (exception is not ShouldAssertException)
                        {
                            return null;
                        }
                    },
                    c => c is not null,
                    TimeSpan.FromSeconds(240),
                    $"start {i} to be answered");
                if (Interlocked.Increment(ref started) == Guests / 6)
                {
                    await cluster.KillSiloAsync(cluster.GetActiveSilos().Single(s => s.SiloAddress.Equals(host)));
                    killed.TrySetResult();
                }

                return conversation!;
            }).ToList();
            var answers = await Task.WhenAll(starts);
            (await management.GetActivationAddress(desk)).ShouldNotBe(host);

            // Every conversation once, in the table and in the answers.
            answers.Select(c => c.Id).Order().ShouldBe(ids.Order());
            await using var data = NpgsqlDataSource.Create(connectionString);
            await using (var count = data.CreateCommand("SELECT count(*), count(DISTINCT id) FROM support_conversations WHERE community_id = $1"))
            {
                count.Parameters.AddWithValue(communityId);
                await using var reader = await count.ExecuteReaderAsync();
                await reader.ReadAsync();
                (reader.GetInt64(0), reader.GetInt64(1)).ShouldBe((Guests, Guests));
            }

            // Exactly one first message per conversation, seq 1.
            await using (var firsts = data.CreateCommand("SELECT channel_id, count(*), max(seq) FROM messages WHERE channel_id = ANY($1) GROUP BY channel_id"))
            {
                firsts.Parameters.AddWithValue(ids.ToArray());
                await using var reader = await firsts.ExecuteReaderAsync();
                var rows = new List<(long Channel, long Count, long Seq)>();
                while (await reader.ReadAsync())
                {
                    rows.Add((reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2)));
                }

                rows.Select(r => r.Channel).Order().ShouldBe(ids.Order());
                rows.ShouldAllBe(r => r.Count == 1 && r.Seq == 1);
            }

            // The agent holds exactly its capacity; the rest queue in one order, positions 1..50.
            var now = await Task.WhenAll(ids.Select(id => desk.GetConversationAsync(SupportCaller.System, id)));
            now.Count(c => c.Status == SupportStatus.Assigned).ShouldBe(Capacity);
            now.Where(c => c.Status == SupportStatus.Assigned).ShouldAllBe(c => c.AgentId == owner);
            var queued = now.Where(c => c.Status == SupportStatus.Queued).OrderBy(c => c.QueuePosition).ToList();
            queued.Select(c => c.QueuePosition!.Value).ShouldBe(Enumerable.Range(1, Guests - Capacity));
            queued.Select(c => c.CreatedAt).ShouldBeInOrder();
            var stats = await desk.GetStatsAsync(owner);
            (stats.Queued, stats.Assigned).ShouldBe((Guests - Capacity, Capacity));

            // Routing goes on: closing one gives the head of the queue to the agent.
            var closing = now.First(c => c.Status == SupportStatus.Assigned);
            await desk.CloseAsync(SupportCaller.User(owner), closing.Id);
            (await desk.GetConversationAsync(SupportCaller.System, queued[0].Id)).Status.ShouldBe(SupportStatus.Assigned);
        }
        finally
        {
            await cluster.StopAllSilosAsync();
            await cluster.DisposeAsync();
        }
    }
}
