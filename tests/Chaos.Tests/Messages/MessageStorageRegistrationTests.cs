using Chaos.Hosting;
using Chaos.Messages;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace Chaos.Tests.Messages;

public sealed class MessageStorageRegistrationTests
{
    [Fact]
    public async Task WithoutConnectionString_RegistersTheInMemoryStore_AndAWriterOnIt()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Chaos:Messages:BatchSize"] = "32",
            ["Chaos:Messages:LingerMilliseconds"] = "0.5",
            ["Chaos:Messages:MaxFlushesInFlight"] = "2",
        }).Build();
        await using var provider = new ServiceCollection().AddLogging().AddMetrics().AddChaosStores(ChaosStorage.From(configuration)).AddChaosMessageWriter(configuration).BuildServiceProvider();

        var store = provider.GetRequiredService<IMessageStore>().ShouldBeOfType<InMemoryMessageStore>();
        var options = provider.GetRequiredService<IOptions<MessageWriterOptions>>().Value;
        (options.BatchSize, options.LingerMilliseconds, options.MaxFlushesInFlight).ShouldBe((32, 0.5, 2));

        var writer = provider.GetRequiredService<MessageWriter>();
        provider.GetRequiredService<MessageWriter>().ShouldBeSameAs(writer);
        var channel = new TestChannel();
        await writer.WriteAsync(channel.Next());
        (await store.GetLastSeqAsync(channel.Id, CancellationToken.None)).ShouldBe(1);
    }

    [Fact]
    public async Task WithConnectionString_RegistersThePostgresStore()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ConnectionStrings:Chaos"] = "Host=127.0.0.1;Port=1;Username=nobody",
        }).Build();
        await using var provider = new ServiceCollection().AddLogging().AddMetrics().AddChaosStores(ChaosStorage.From(configuration)).AddChaosMessageWriter(configuration).BuildServiceProvider();

        provider.GetRequiredService<IMessageStore>().ShouldBeOfType<PostgresMessageStore>();
        provider.GetRequiredService<IOptions<MessageWriterOptions>>().Value.BatchSize.ShouldBe(256);
    }
}
