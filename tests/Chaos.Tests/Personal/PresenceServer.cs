namespace Chaos.Tests.Personal;

/// <summary>
/// One front door with a short activity sweep (<see cref="PresenceFixture"/>) shared by the presence tests: each test
/// registers its own users.
/// </summary>
[CollectionDefinition(Name)]
public sealed class PresenceServer : ICollectionFixture<PresenceFixture>
{
    public const string Name = "Shared server: presence";
}
