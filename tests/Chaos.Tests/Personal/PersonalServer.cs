using Chaos.Tests.Infrastructure;

namespace Chaos.Tests.Personal;

/// <summary>
/// One front door shared by the relationship and private-channel tests: each test registers its own users (the
/// friend-bound test uses ids no registration can take).
/// </summary>
[CollectionDefinition(Name)]
[StartsEarly]
public sealed class PersonalServer : ICollectionFixture<ApiFixture>
{
    public const string Name = "Shared server: relationships and private channels";
}
