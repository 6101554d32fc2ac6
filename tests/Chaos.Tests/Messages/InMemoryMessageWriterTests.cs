using Chaos.Messages;

namespace Chaos.Tests.Messages;

public sealed class InMemoryMessageWriterTests : MessageWriterBehaviour
{
    protected override IMessageStore Store { get; } = new InMemoryMessageStore();
}
