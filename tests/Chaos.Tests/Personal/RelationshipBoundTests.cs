using System.Net.Http.Json;
using Chaos.Accounts;
using Chaos.Communities;
using Chaos.Errors;
using Chaos.Relationships;
using Chaos.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using static Chaos.Tests.Personal.Personal;
using R = Chaos.Relationships.RelationshipType;

namespace Chaos.Tests.Personal;

/// <summary>The 1,000-friend bound, reached through the grains (registering 1,001 accounts over HTTP would add nothing).</summary>
[Collection(HeavyPersonalTests.Name)]
public sealed class RelationshipBoundTests(ApiFixture fixture) : IClassFixture<ApiFixture>
{
    private ChaosServer Server => fixture.Server;

    [Fact]
    public async Task FriendBound_1000_RefusesThe1001st_WithConflict()
    {
        var owner = await Server.RegisterAsync();
        var me = long.Parse(owner.Id, System.Globalization.CultureInfo.InvariantCulture);
        var directory = Server.Services.GetRequiredService<IUserDirectory>();
        var grains = Server.Services.GetRequiredService<IGrainFactory>();
        // Far-future ids no real registration can take; only the directory needs to know them.
        var others = Enumerable.Range(1, RelationshipRules.MaxFriends + 1).Select(i => me + (1L << 40) + i).ToList();
        foreach (var other in others)
        {
            await directory.UpsertAsync(new PublicUser(other, $"bound{other}", "Bound", DateTimeOffset.UtcNow));
        }

        var coordinator = grains.GetGrain<IUserGrain>(me);
        foreach (var other in others.Take(RelationshipRules.MaxFriends))
        {
            await coordinator.ChangeRelationshipAsync(me, other, R.Friend);
            (await coordinator.ChangeRelationshipAsync(other, me, R.Friend)).Type.ShouldBe(R.Friend);
        }

        var last = others[^1];
        (await coordinator.ChangeRelationshipAsync(last, me, R.Friend)).Type.ShouldBe(R.Outgoing);
        var refused = await Should.ThrowAsync<ChaosException>(() => coordinator.ChangeRelationshipAsync(me, last, R.Friend));
        refused.Code.ShouldBe(ErrorCodes.Conflict);
        refused.Message.ShouldContain("1,000 friends");
        var problem = await Problem.ExpectAsync(await owner.Http.PutAsJsonAsync($"/api/v1/users/@me/relationships/{last}", new { type = "friend" }), 409, "conflict");
        problem.Detail.ShouldNotBeNull().ShouldContain("limit");
        (await RelationshipsAsync(owner)).Count(r => r.Value == "friend").ShouldBe(RelationshipRules.MaxFriends);
        (await grains.GetGrain<IUserGrain>(last).GetRelationshipAsync(me)).ShouldBe(R.Outgoing);
    }
}
