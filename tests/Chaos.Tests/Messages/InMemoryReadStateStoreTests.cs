using Chaos.Messages;

namespace Chaos.Tests.Messages;

public sealed class InMemoryReadStateStoreTests : ReadStateStoreBehaviour
{
    public InMemoryReadStateStoreTests()
    {
        var messages = new InMemoryMessageStore();
        Messages = messages;
        ReadStates = new InMemoryReadStateStore(messages);
    }

    protected override IMessageStore Messages { get; }

    protected override IReadStateStore ReadStates { get; }
}
