using System.Collections.Concurrent;
using Chaos.Client.Messages;
using Chaos.Tests.Infrastructure;

namespace Chaos.Tests.Client;

/// <summary>Messages a gateway raised, in the order it raised them.</summary>
public sealed class RecordedMessages
{
    private readonly ConcurrentQueue<Message> messages = new();

    public IReadOnlyList<Message> All => [.. messages];

    public void Add(Message message) => messages.Enqueue(message);

    public IReadOnlyList<Message> In(string channelId) => [.. messages.Where(m => m.ChannelId == channelId)];

    public Task<IReadOnlyList<Message>> WaitForCountAsync(string channelId, int count, TimeSpan? timeout = null) =>
        Eventually.ReturnsAsync(() => Task.FromResult(In(channelId)), m => m.Count >= count, timeout ?? TimeSpan.FromSeconds(30), $"{count} messages in {channelId}");
}
