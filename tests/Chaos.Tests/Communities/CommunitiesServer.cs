using Chaos.Tests.Infrastructure;

namespace Chaos.Tests.Communities;

/// <summary>
/// One front door shared by the community API and permission tests: each test creates its own users and communities.
/// </summary>
[CollectionDefinition(Name)]
[StartsEarly]
public sealed class CommunitiesServer : ICollectionFixture<ApiFixture>
{
    public const string Name = "Shared server: communities and permissions";
}
