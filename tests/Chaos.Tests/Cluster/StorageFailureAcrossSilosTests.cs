using Chaos.Communities;
using Chaos.Errors;
using Chaos.Messages;
using Chaos.Tests.Communities;
using Chaos.Tests.Infrastructure;
using Chaos.Tests.Messages;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Orleans.TestingHost;

namespace Chaos.Tests.Cluster;

/// <summary>
/// A storage failure inside a grain reaches a caller in another process as a <see cref="ChaosException"/> the caller can
/// act on: a passing one (Npgsql's <c>IsTransient</c>) as <c>unavailable</c> with a retry hint, a bug as anything but
/// that. Npgsql's exceptions have no Orleans codec, so without the silo's storage failure call filter the caller gets an
/// unserialisable response instead (docs/architecture.md#sends-and-nonces). The caller here is the cluster's client,
/// which reaches the silos over their gateway sockets exactly as a front door on another silo would.
/// </summary>
[StartsEarly]
public sealed class StorageFailureAcrossSilosTests
{
    [Fact]
    public async Task ATransientStorageFailure_ReachesACallerInAnotherProcess_AsUnavailable()
    {
        var connectionString = await PostgresServer.CreateDatabaseAsync();
        var cluster = await ChaosTestCluster.StartAsync<FailingStoreSilos>(connectionString);
        try
        {
            var client = cluster.Client;
            var owner = await CommunityGrainKit.RegisterAsync(client, "owner");
            var communityId = CommunityGrainKit.NewId();
            var community = client.GetGrain<ICommunityGrain>(communityId);
            await community.CreateAsync(owner, "Flaky", "storage comes and goes");
            var channel = await community.CreateChannelAsync(owner, "talk", ChannelType.Text, null, 0);

            var transient = await Should.ThrowAsync<ChaosException>(
                () => client.GetGrain<IChannelGrain>(channel.Id).SendMessageAsync(owner, "hello", "n-transient", null));
            transient.Code.ShouldBe(ErrorCodes.Unavailable);
            transient.RetryAfterSeconds.ShouldNotBeNull();

            // A failure that is a bug is not dressed up as "retry later".
            var bug = await Should.ThrowAsync<Exception>(
                () => client.GetGrain<IChannelGrain>(channel.Id).SendMessageAsync(owner, "bug", "n-bug", null));
            (bug is ChaosException { Code: ErrorCodes.Unavailable }).ShouldBeFalse();
        }
        finally
        {
            await cluster.StopAllSilosAsync();
            await cluster.DisposeAsync();
        }
    }

    /// <summary>Every silo's message store fails appends with a transient error, except messages whose content is "bug".</summary>
    public sealed class FailingStoreSilos : ISiloConfigurator
    {
        public void Configure(ISiloBuilder siloBuilder) =>
            siloBuilder.Services.AddSingleton<IMessageStore>(new FailingMessageStore(
                new NpgsqlException("The connection pool has been exhausted", new TimeoutException()),
                bug: new PostgresException("column reference is ambiguous", "ERROR", "ERROR", "42702")));
    }
}
