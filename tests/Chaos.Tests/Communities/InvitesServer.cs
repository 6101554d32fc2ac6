using Chaos.Tests.Infrastructure;

namespace Chaos.Tests.Communities;

/// <summary>
/// One front door shared by the hostile-input, invite and direct grain-call community tests (a second community server
/// beside <see cref="CommunitiesServer"/>: the hostile cases alone take minutes): each test creates its own users and
/// communities.
/// </summary>
[CollectionDefinition(Name)]
[StartsEarly]
public sealed class InvitesServer : ICollectionFixture<ApiFixture>
{
    public const string Name = "Shared server: community input, invites, grain calls";
}
