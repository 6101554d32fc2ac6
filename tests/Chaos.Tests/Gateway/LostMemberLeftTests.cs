using System.Net;
using System.Net.Http.Json;
using Chaos.Api.Gateway;
using Chaos.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Chaos.Tests.Gateway;

/// <summary>
/// A re-evaluation that finds the user no longer a member drops the community's channels at once and leaves the
/// community itself to <c>MemberLeft</c>; when that event never comes (lost with a silo), the connection hears
/// <c>CommunityLeft</c> with reason <c>left</c> after the grace period and loses the community
/// (docs/architecture.md#access-re-evaluation). Here the membership row is removed behind the grains' back and the
/// Community grain reactivated, so no <c>MemberLeft</c> is ever published; an overwrite change then makes every front
/// door re-evaluate.
/// </summary>
public sealed class LostMemberLeftTests
{
    [Fact]
    public async Task AMemberWhoseMemberLeftIsLost_HearsCommunityLeft_AfterTheGrace_AndNothingMoreOfIt()
    {
        var connectionString = await PostgresServer.CreateDatabaseAsync();
        await using var server = await ChaosServer.StartAsync(connectionString);
        var owner = await server.RegisterAsync();
        var member = await server.RegisterAsync();
        var community = await GatewayTests.CreateCommunityAsync(owner);
        var communityId = community.GetProperty("id").GetString()!;
        await GatewayTests.JoinAsync(owner, member, community);
        var general = GatewayTests.GeneralChannel(community);
        await using var memberClient = await GatewayClient.ConnectAsync(server.BaseAddress, member.AccessToken);
        await GatewayTests.SendAsync(owner, general, "before");
        await memberClient.WaitForAsync("MessageCreated", m => m.GetProperty("content").GetString() == "before");

        await using (var connection = new NpgsqlConnection(connectionString))
        {
            await connection.OpenAsync();
            await using var delete = new NpgsqlCommand("DELETE FROM community_members WHERE community_id = $1 AND user_id = $2", connection)
            {
                Parameters = { new() { Value = long.Parse(communityId) }, new() { Value = long.Parse(member.Id) } },
            };
            (await delete.ExecuteNonQueryAsync()).ShouldBe(1);
        }

        // The Community grain forgets its cached member rows only when it is activated anew, and the collection skips an
        // activation that is busy at that instant: collect until the grain answers from the store that the user is gone.
        var management = server.Services.GetRequiredService<IGrainFactory>().GetGrain<IManagementGrain>(0);
        await Eventually.ReturnsAsync(async () =>
        {
            await management.ForceActivationCollection(TimeSpan.Zero);
            using var response = await owner.Http.GetAsync($"/api/v1/communities/{communityId}/members/{member.Id}");
            return response.StatusCode;
        }, status => status == HttpStatusCode.NotFound, TimeSpan.FromSeconds(30), "the Community grain to forget the member");
        var started = DateTimeOffset.UtcNow;
        var change = await owner.Http.PutAsJsonAsync($"/api/v1/channels/{general}/overwrites/{communityId}", new { type = "role", allow = "0", deny = "0" });
        change.StatusCode.ShouldBe(HttpStatusCode.OK, await change.Content.ReadAsStringAsync());

        var left = await memberClient.WaitForAsync("CommunityLeft", c => c.GetProperty("id").GetString() == communityId, TimeSpan.FromSeconds(60));
        left.GetProperty("reason").GetString().ShouldBe("left");
        (DateTimeOffset.UtcNow - started).ShouldBeGreaterThanOrEqualTo(GatewayAccess.LeftGrace - TimeSpan.FromMilliseconds(50), "the community stays until the grace ends, waiting for MemberLeft");
        memberClient.Payloads("MemberLeft").ShouldBeEmpty("no MemberLeft was ever published");

        // Nothing of the community follows: a later message is not delivered to the member.
        await using var ownerClient = await GatewayClient.ConnectAsync(server.BaseAddress, owner.AccessToken);
        await GatewayTests.SendAsync(owner, general, "after");
        await ownerClient.WaitForAsync("MessageCreated", m => m.GetProperty("content").GetString() == "after");
        memberClient.Payloads("MessageCreated").Select(m => m.GetProperty("content").GetString()).ShouldBe(["before"]);
    }
}
