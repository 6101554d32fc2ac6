using Chaos.Messages;

namespace Chaos.Tests.Messages;

public sealed class InMemoryMessageStoreTests : MessageStoreBehaviour
{
    protected override IMessageStore Store { get; } = new InMemoryMessageStore();
}
