using Chaos.Ai;

namespace Chaos.Tests.Ai;

public sealed class InMemoryModerationStoreTests : ModerationStoreBehaviour
{
    protected override IModerationStore Store { get; } = new InMemoryModerationStore();
}
