using System.Net;
using Chaos.Client;
using Chaos.Client.Accounts;
using Chaos.Client.Communities;
using Chaos.Client.Errors;
using Chaos.Tests.Accounts;
using Chaos.Tests.Infrastructure;

namespace Chaos.Tests.Client;

/// <summary>The SDK's REST surface against a real front door on PostgreSQL.</summary>
[Collection(AccountsServer.Name)]
public sealed class ChaosClientTests(ApiFixture fixture)
{
    private Uri Door => fixture.Server.BaseAddress;

    [Fact]
    public async Task Register_ThenLogin_ReturnsTheSameUserAndRotatesTokens()
    {
        var username = TestUser.UniqueName("sdk");
        using var client = new ChaosClient(Door);
        var registered = await client.RegisterAsync(username, "correct horse battery", "Display Me");
        registered.User.Username.ShouldBe(username);
        registered.User.DisplayName.ShouldBe("Display Me");

        using var again = new ChaosClient(Door);
        var login = await again.LoginAsync(username.ToUpperInvariant(), "correct horse battery");
        login.User.Id.ShouldBe(registered.User.Id);
        again.UserId.ShouldBe(registered.User.Id);

        var me = await again.UpdateMeAsync(statusMessage: "testing the sdk");
        me.StatusMessage.ShouldBe("testing the sdk");
        (await client.GetMeAsync()).StatusMessage.ShouldBe("testing the sdk");
        (await client.GetUserAsync(registered.User.Id)).Username.ShouldBe(username);
    }

    [Fact]
    public async Task WrongPassword_IsTypedInvalidCredentials()
    {
        using var owner = await SdkUsers.RegisterAsync(Door);
        var me = await owner.GetMeAsync();
        using var stranger = new ChaosClient(Door);

        var error = await Should.ThrowAsync<ChaosApiException>(() => stranger.LoginAsync(me.Username, "not the password at all"));

        error.Status.ShouldBe(HttpStatusCode.Unauthorized);
        error.Code.ShouldBe(ErrorCodes.InvalidCredentials);
    }

    [Fact]
    public async Task Validation_IsTypedWithFieldErrors()
    {
        using var owner = await SdkUsers.RegisterAsync(Door);
        var (_, channelId) = await SdkUsers.CommunityAsync(owner);

        var error = await Should.ThrowAsync<ChaosApiException>(() => owner.SendMessageAsync(channelId, "   "));

        error.Status.ShouldBe(HttpStatusCode.BadRequest);
        error.Code.ShouldBe(ErrorCodes.ValidationFailed);
        error.Errors.Keys.ShouldContain("content");
    }

    [Fact]
    public async Task MissingPermission_CarriesThePermission()
    {
        using var owner = await SdkUsers.RegisterAsync(Door);
        using var member = await SdkUsers.RegisterAsync(Door);
        var (community, _) = await SdkUsers.CommunityAsync(owner, member);

        var error = await Should.ThrowAsync<ChaosApiException>(() => member.CreateChannelAsync(community.Id, "nope"));

        error.Status.ShouldBe(HttpStatusCode.Forbidden);
        error.Code.ShouldBe(ErrorCodes.MissingPermission);
        error.Permission.ShouldNotBeNull();
        error.Permission.ShouldContain("ManageChannels", Case.Insensitive);
    }

    [Fact]
    public async Task UnknownMessage_IsTypedNotFound()
    {
        using var owner = await SdkUsers.RegisterAsync(Door);
        var (_, channelId) = await SdkUsers.CommunityAsync(owner);

        var error = await Should.ThrowAsync<ChaosApiException>(() => owner.GetMessageAsync(channelId, "123456789"));

        error.Status.ShouldBe(HttpStatusCode.NotFound);
        error.Code.ShouldBe(ErrorCodes.NotFound);
    }

    [Fact]
    public async Task Communities_RolesChannelsInvitesMembersAndBans_RoundTrip()
    {
        using var owner = await SdkUsers.RegisterAsync(Door);
        using var member = await SdkUsers.RegisterAsync(Door);
        var (community, _) = await SdkUsers.CommunityAsync(owner, member);
        community.Roles.ShouldContain(r => r.Id == community.Id && r.Permissions.HasFlag(ChaosPermissions.ViewChannel));
        community.Channels.ShouldContain(c => c.Type == ChannelType.Voice);

        var role = await owner.CreateRoleAsync(community.Id, "mods", ChaosPermissions.ManageChannels | ChaosPermissions.KickMembers);
        role.Permissions.ShouldBe(ChaosPermissions.ManageChannels | ChaosPermissions.KickMembers);
        await owner.AddMemberRoleAsync(community.Id, member.UserId!, role.Id);
        (await owner.GetMemberAsync(community.Id, member.UserId!)).RoleIds.ShouldContain(role.Id);

        var channel = await member.CreateChannelAsync(community.Id, "mod-made", topic: "made by a mod");
        channel.Topic.ShouldBe("made by a mod");
        await owner.SetOverwriteAsync(channel.Id, community.Id, OverwriteType.Role, ChaosPermissions.None, ChaosPermissions.SendMessages);
        (await owner.GetChannelAsync(channel.Id)).Overwrites.ShouldContain(o => o.Id == community.Id && o.Deny == ChaosPermissions.SendMessages);

        (await owner.GetMembersAsync(community.Id)).Select(m => m.User.Id).ShouldBe([owner.UserId!, member.UserId!], ignoreOrder: true);
        (await owner.GetMyCommunitiesAsync()).ShouldContain(c => c.Id == community.Id);

        await owner.BanMemberAsync(community.Id, member.UserId!, "testing bans");
        (await owner.GetBansAsync(community.Id)).ShouldContain(b => b.User.Id == member.UserId && b.Reason == "testing bans");
        var banned = await Should.ThrowAsync<ChaosApiException>(() => member.GetCommunityAsync(community.Id));
        banned.Status.ShouldBe(HttpStatusCode.Forbidden);

        var audit = await owner.GetAuditLogAsync(community.Id);
        audit.ShouldContain(e => e.Action == "member.ban" && e.TargetId == member.UserId);
    }

    [Fact]
    public async Task InvitePreview_WorksWithoutLogin_AndRevokedInviteIsInvalid()
    {
        using var owner = await SdkUsers.RegisterAsync(Door);
        var community = await owner.CreateCommunityAsync("preview me");
        var invite = await owner.CreateInviteAsync(community.Id, maxUses: 5, maxAgeSeconds: 3600);

        using var anonymous = new ChaosClient(Door);
        var preview = await anonymous.GetInviteAsync(invite.Code);
        preview.CommunityId.ShouldBe(community.Id);

        await owner.RevokeInviteAsync(invite.Code);
        using var joiner = await SdkUsers.RegisterAsync(Door);
        var error = await Should.ThrowAsync<ChaosApiException>(() => joiner.AcceptInviteAsync(invite.Code));
        error.Code.ShouldBe(ErrorCodes.InviteInvalid);
        error.Status.ShouldBe(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Messages_SendHistoryEditDelete_AndNonceIsIdempotent()
    {
        using var owner = await SdkUsers.RegisterAsync(Door);
        var (_, channelId) = await SdkUsers.CommunityAsync(owner);
        var first = await owner.SendMessageAsync(channelId, "one", nonce: "n-1");
        var repeat = await owner.SendMessageAsync(channelId, "one", nonce: "n-1");
        repeat.Id.ShouldBe(first.Id);
        var second = await owner.SendMessageAsync(channelId, "two", replyToId: first.Id);
        second.Seq.ShouldBe(first.Seq + 1);
        second.ReplyToId.ShouldBe(first.Id);

        var history = await owner.GetMessagesAsync(channelId);
        history.Select(m => m.Content).ShouldBe(["one", "two"]);
        (await owner.GetMessagesAsync(channelId, after: first.Id)).Single().Id.ShouldBe(second.Id);
        (await owner.GetMessagesAsync(channelId, before: second.Id)).Single().Id.ShouldBe(first.Id);

        var edited = await owner.EditMessageAsync(channelId, first.Id, "one, edited");
        edited.EditedAt.ShouldNotBeNull();
        await owner.DeleteMessageAsync(channelId, second.Id);
        (await Should.ThrowAsync<ChaosApiException>(() => owner.GetMessageAsync(channelId, second.Id))).Code.ShouldBe(ErrorCodes.NotFound);

        await owner.TriggerTypingAsync(channelId);
        await owner.SetReadStateAsync(channelId, first.Id);
    }

    [Fact]
    public async Task RejectedAccessToken_IsRefreshedOnce_ForConcurrentCallers()
    {
        using var seed = await SdkUsers.RegisterAsync(Door);
        var session = seed.Session!;
        using var client = new ChaosClient(Door);
        // A token the server refuses (tampered signature) that the client believes valid: the first call meets a 401.
        client.UseSession(session with { AccessToken = session.AccessToken[..^4] + "AAAA", ExpiresAt = DateTimeOffset.UtcNow.AddMinutes(10) });
        var rotations = new List<SessionTokens>();
        client.TokensRotated += t =>
        {
            lock (rotations)
            {
                rotations.Add(t);
            }
        };

        var results = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => client.GetMeAsync()));

        results.ShouldAllBe(u => u.Id == seed.UserId);
        rotations.Count.ShouldBe(1);
        rotations[0].RefreshToken.ShouldNotBe(session.RefreshToken);
        client.Session!.AccessToken.ShouldBe(rotations[0].AccessToken);
        // The old refresh token is spent: presenting it again is reuse and is refused.
        using var reuse = new ChaosClient(Door);
        reuse.UseSession(session with { ExpiresAt = DateTimeOffset.UtcNow.AddMinutes(-1) });
        (await Should.ThrowAsync<ChaosApiException>(() => reuse.GetMeAsync())).Status.ShouldBe(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task ExpiringAccessToken_IsRefreshedBeforeTheRequest()
    {
        using var client = await SdkUsers.RegisterAsync(Door);
        var before = client.Session!;
        client.UseSession(before with { ExpiresAt = DateTimeOffset.UtcNow.AddSeconds(5) });

        await client.GetMeAsync();

        client.Session!.RefreshToken.ShouldNotBe(before.RefreshToken);
        client.Session.ExpiresAt.ShouldBeGreaterThan(DateTimeOffset.UtcNow.AddMinutes(1));
    }

    [Fact]
    public async Task Logout_RevokesTheRefreshToken()
    {
        using var client = await SdkUsers.RegisterAsync(Door);
        var session = client.Session!;
        await client.LogoutAsync();
        client.Session.ShouldBeNull();

        using var resumed = new ChaosClient(Door);
        resumed.UseSession(session with { ExpiresAt = DateTimeOffset.UtcNow });
        (await Should.ThrowAsync<ChaosApiException>(() => resumed.GetMeAsync())).Code.ShouldBe(ErrorCodes.Unauthorized);
    }
}
