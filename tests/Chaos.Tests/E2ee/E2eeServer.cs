using Chaos.Tests.Infrastructure;

namespace Chaos.Tests.E2ee;

/// <summary>One front door on PostgreSQL shared by the end-to-end encryption tests; each test registers its own users.</summary>
[CollectionDefinition(Name)]
public sealed class E2eeServer : ICollectionFixture<ApiFixture>
{
    public const string Name = "Shared server: end-to-end encryption";
}
