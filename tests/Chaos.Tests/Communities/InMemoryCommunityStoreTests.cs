using Chaos.Communities;

namespace Chaos.Tests.Communities;

public sealed class InMemoryCommunityStoreTests : CommunityStoreBehaviour
{
    protected override ICommunityStore Store { get; } = new InMemoryCommunityStore();
}
