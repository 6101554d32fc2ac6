using Chaos.Relationships;

namespace Chaos.Tests.Relationships;

public sealed class InMemoryRelationshipStoreTests : RelationshipStoreBehaviour
{
    protected override IRelationshipStore Store { get; } = new InMemoryRelationshipStore();
}
