using Chaos.Api.Hosting;
using Chaos.Communities;
using Chaos.Hosting;
using Chaos.Messages;
using Chaos.PrivateChannels;
using Chaos.Relationships;
using Microsoft.Extensions.Options;
using Npgsql;
using Orleans.Configuration;
using Orleans.Storage;

namespace Chaos.Tests.Hosting;

public sealed class StorageRegistrationTests
{
    [Fact]
    public async Task WithoutConnectionString_EveryStoreIsInMemory()
    {
        await using var provider = new ServiceCollection().AddChaosStores(new ChaosStorage(null)).BuildServiceProvider();

        provider.GetRequiredService<IMessageStore>().ShouldBeOfType<InMemoryMessageStore>();
        provider.GetRequiredService<IReadStateStore>().ShouldBeOfType<InMemoryReadStateStore>();
        provider.GetRequiredService<ICommunityStore>().ShouldBeOfType<InMemoryCommunityStore>();
        provider.GetRequiredService<IUserDirectory>().ShouldBeOfType<InMemoryUserDirectory>();
        provider.GetRequiredService<IRelationshipStore>().ShouldBeOfType<InMemoryRelationshipStore>();
        provider.GetRequiredService<IPrivateChannelStore>().ShouldBeOfType<InMemoryPrivateChannelStore>();
        provider.GetService<NpgsqlDataSource>().ShouldBeNull();
    }

    [Fact]
    public async Task WithConnectionString_EveryStoreIsOnPostgres_SharingOneDataSource()
    {
        var services = new ServiceCollection().AddChaosStores(new ChaosStorage("Host=127.0.0.1;Port=1;Username=nobody"));
        await using var provider = services.BuildServiceProvider();

        provider.GetRequiredService<IMessageStore>().ShouldBeOfType<PostgresMessageStore>();
        provider.GetRequiredService<IReadStateStore>().ShouldBeOfType<PostgresReadStateStore>();
        provider.GetRequiredService<ICommunityStore>().ShouldBeOfType<PostgresCommunityStore>();
        provider.GetRequiredService<IUserDirectory>().ShouldBeOfType<PostgresUserDirectory>();
        provider.GetRequiredService<IRelationshipStore>().ShouldBeOfType<PostgresRelationshipStore>();
        provider.GetRequiredService<IPrivateChannelStore>().ShouldBeOfType<PostgresPrivateChannelStore>();
        services.Count(d => d.ServiceType == typeof(NpgsqlDataSource)).ShouldBe(1);
    }

    [Fact]
    public async Task InMemoryReadStates_CountFromTheInMemoryMessagesOfTheSameProcess()
    {
        await using var provider = new ServiceCollection().AddChaosStores(new ChaosStorage(null)).BuildServiceProvider();
        var channel = new Messages.TestChannel();
        await provider.GetRequiredService<IMessageStore>().AppendAsync(channel.NextMany(3), CancellationToken.None);
        var readStates = provider.GetRequiredService<IReadStateStore>();

        await readStates.SetAsync(7, channel.Id, channel.IdFor(1), 1);

        (await readStates.GetAsync(7, channel.Id)).ShouldNotBeNull().UnreadCount.ShouldBe(2);
    }

    /// <summary>
    /// In memory, grain state is written with the Orleans serializer as on PostgreSQL (not Orleans' default Newtonsoft
    /// JSON): a state type behaves the same in both modes, and the JSON serializer does not run on every write.
    /// </summary>
    [Fact]
    public async Task InMemoryGrainState_UsesTheOrleansSerializer_AsOnPostgres()
    {
        await using var app = await ChaosApplication.CreateAsync(StandaloneArgs.With());
        var options = app.Services.GetRequiredService<IOptionsMonitor<MemoryGrainStorageOptions>>();

        options.Get(ChaosProviders.GrainStorage).GrainStorageSerializer.ShouldBeOfType<OrleansGrainStorageSerializer>();
        options.Get(ChaosProviders.PubSubStorage).GrainStorageSerializer.ShouldBeOfType<OrleansGrainStorageSerializer>();
    }
}
