using Chaos.PrivateChannels;

namespace Chaos.Tests.PrivateChannels;

public sealed class InMemoryPrivateChannelStoreTests : PrivateChannelStoreBehaviour
{
    protected override IPrivateChannelStore Store { get; } = new InMemoryPrivateChannelStore();
}
