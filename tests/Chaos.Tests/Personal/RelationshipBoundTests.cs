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
[Collection(PersonalServer.Name)]
public sealed class RelationshipBoundTests(ApiFixture fixture)
{
    private ChaosServer Server => fixture.Server;

    [Fact]
    public async Task FriendBound_1000_RefusesThe1001st_WithConflict()
    {
        var owner = await Server.RegisterAsync();
        var me = long.Parse(owner.Id, System.Globalization.CultureInfo.InvariantCulture);
        var directory = Server.Services.GetRequiredService<IUserDirectory>();
        var grains = Server.Services.GetRequiredService<IGrainFactory>();
        // Ids no registration can take (snowflakes from long before this server started): only the directory needs to
        // know them. The first thousand are below mine, so each pair's coordinator is the other user's grain
        // (RelationshipRules.Coordinator) and the pairs are made concurrently; my grain still applies its side of every
        // pair one at a time and checks its bound each time. The last is above mine, so the refused request runs on my
        // grain, as the REST call below does.
        var friends = Enumerable.Range(1, RelationshipRules.MaxFriends).Select(i => (me / 2) + i).ToList();
        var last = me + (1L << 40);
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = 16 };
        await Parallel.ForEachAsync(
            friends.Append(last),
            parallel,
            async (other, _) => await directory.UpsertAsync(new PublicUser(other, $"bound{other}", "Bound", DateTimeOffset.UtcNow)));

        await Parallel.ForEachAsync(friends, parallel, async (other, _) =>
        {
            var pair = grains.GetGrain<IUserGrain>(other);
            await pair.ChangeRelationshipAsync(me, other, R.Friend);
            (await pair.ChangeRelationshipAsync(other, me, R.Friend)).Type.ShouldBe(R.Friend);
        });

        var coordinator = grains.GetGrain<IUserGrain>(me);
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
