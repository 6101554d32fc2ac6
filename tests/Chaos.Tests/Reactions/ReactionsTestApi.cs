using System.Net;
using System.Text.Json;
using Chaos.Tests.Communities;
using Chaos.Tests.Infrastructure;
using P = Chaos.Permissions.Permissions;

namespace Chaos.Tests.Reactions;

/// <summary>A community for the reaction, pin and search tests: owner, plain member, a banned user, an outsider.</summary>
internal sealed record ReactionRoom(ChaosServer Server, TestUser Owner, TestUser Member, TestUser Banned, TestUser Outsider, string CommunityId, string ChannelId)
{
    public static async Task<ReactionRoom> CreateAsync(ChaosServer server)
    {
        var owner = await server.RegisterAsync();
        var community = await owner.CreateCommunityAsync();
        var id = community.Str("id");
        var member = await server.AddMemberAsync(owner, id);
        var banned = await server.AddMemberAsync(owner, id);
        await owner.ExpectAsync(HttpMethod.Put, $"/communities/{id}/bans/{banned.Id}", """{"reason":"test"}""", HttpStatusCode.NoContent);
        var outsider = await server.RegisterAsync();
        return new ReactionRoom(server, owner, member, banned, outsider, id, community.ChannelIds()[0]);
    }

    public async Task<string> SendAsync(TestUser author, string content, string? channelId = null)
    {
        var message = await author.ExpectAsync(HttpMethod.Post, $"/channels/{channelId ?? ChannelId}/messages", JsonSerializer.Serialize(new { content }), HttpStatusCode.Created);
        return message.Str("id");
    }

    /// <summary>A text channel the plain member cannot see (a member overwrite denying ViewChannel).</summary>
    public async Task<string> HiddenChannelAsync(params TestUser[] deniedTo)
    {
        var channel = await Owner.ExpectAsync(HttpMethod.Post, $"/communities/{CommunityId}/channels", """{"name":"secret","type":"text"}""", HttpStatusCode.Created);
        var channelId = channel.Str("id");
        foreach (var user in deniedTo)
        {
            await Owner.ExpectAsync(HttpMethod.Put, $"/channels/{channelId}/overwrites/{user.Id}", $$"""{"type":"member","allow":"0","deny":"{{CommunityTestApi.Bits(P.ViewChannel)}}"}""", HttpStatusCode.OK);
        }

        return channelId;
    }

    public static string Reaction(string channelId, string messageId, string emoji, string who = "@me") =>
        $"/channels/{channelId}/messages/{messageId}/reactions/{Uri.EscapeDataString(emoji)}/{who}";
}
