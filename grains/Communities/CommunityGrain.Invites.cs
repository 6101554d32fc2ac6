using Chaos.Errors;
using Chaos.Gateway;
using Chaos.Hosting;
using P = Chaos.Permissions.Permissions;

namespace Chaos.Communities;

/// <summary>The community's invites: create, list, revoke, preview, and joining through one.</summary>
internal sealed partial class CommunityGrain
{
    public async Task<Invite> CreateInviteAsync(long actorId, int maxUses, int maxAgeSeconds, string code)
    {
        EnsureExists();
        // The front door makes the code (random characters and a tag only it can compute: docs/architecture.md#cheap-checks-before-grains).
        ChaosException.ThrowIfInvalid("code", InviteKey.IsWellFormed(code) ? null : $"An invite code is {InviteKey.CodeLength} characters of [A-Za-z0-9].");
        await RequirePermissionAsync(actorId, P.CreateInvites);
        if (maxUses is < 0 or > CommunityRules.MaxInviteUses)
        {
            throw ChaosException.Validation("maxUses", $"maxUses is 0 (unlimited) to {CommunityRules.MaxInviteUses}.");
        }

        if (maxAgeSeconds is < 0 or > CommunityRules.MaxInviteAgeSeconds)
        {
            throw ChaosException.Validation("maxAgeSeconds", $"maxAgeSeconds is 0 (never expires) to {CommunityRules.MaxInviteAgeSeconds}.");
        }

        if (S.Invites.Find(i => i.Code == code) is { } retried)
        {
            return retried;
        }

        var now = time.GetUtcNow();
        S.Invites.RemoveAll(i => !IsUsable(i, now));
        if (S.Invites.Count >= CommunityRules.MaxInvites)
        {
            throw ChaosException.Validation("maxUses", $"A community has at most {CommunityRules.MaxInvites} active invites.");
        }

        var invite = new Invite(code, CommunityId, actorId, maxUses, 0, maxAgeSeconds == 0 ? null : now.AddSeconds(maxAgeSeconds), now);
        var inviteGrain = GrainFactory.GetGrain<IInviteGrain>(InviteKey.For(invite.Code));
        if (await inviteGrain.GetCommunityIdAsync() is { } taken && taken != CommunityId)
        {
            throw new ChaosException(ErrorCodes.Conflict, "This invite code is taken; try again.");
        }

        await inviteGrain.SetCommunityAsync(CommunityId);
        S.Invites.Add(invite);
        await CommitAsync(
            new(actorId, "invite.create", null, new() { ["code"] = new(null, invite.Code), ["maxUses"] = new(null, Str(maxUses)), ["maxAgeSeconds"] = new(null, Str(maxAgeSeconds)) }),
            published: null);
        return invite;
    }

    public async Task<IReadOnlyList<Invite>> GetInvitesAsync(long actorId)
    {
        EnsureExists();
        await RequirePermissionAsync(actorId, P.ManageCommunity);
        var now = time.GetUtcNow();
        return S.Invites.Where(i => IsUsable(i, now)).ToList();
    }

    public async Task RevokeInviteAsync(long actorId, string code)
    {
        EnsureExists();
        var invite = S.Invites.FirstOrDefault(i => i.Code == code) ?? throw InviteInvalid();
        if (invite.InviterId != actorId)
        {
            await RequirePermissionAsync(actorId, P.ManageCommunity);
        }
        else
        {
            await RequireMemberAsync(actorId);
        }

        S.Invites.Remove(invite);
        await CommitAsync(
            new(actorId, "invite.delete", null, new() { ["code"] = new(code, null) }),
            published: null,
            then: () => GrainFactory.GetGrain<IInviteGrain>(InviteKey.For(code)).ClearAsync());
    }

    public async Task<Community> AcceptInviteAsync(long userId, string code)
    {
        var now = time.GetUtcNow();
        var invite = Exists ? S.Invites.FirstOrDefault(i => i.Code == code) : null;
        if (invite is null || !IsUsable(invite, now))
        {
            throw InviteInvalid();
        }

        if (await FindMemberAsync(userId) is not null)
        {
            return await ViewForAsync(userId);
        }

        if (await store.IsBannedAsync(CommunityId, userId))
        {
            throw new ChaosException(ErrorCodes.Banned, "You are banned from this community.");
        }

        if ((await store.GetCommunityIdsOfUserAsync(userId)).Count >= CommunityRules.MaxCommunitiesPerUser)
        {
            throw new ChaosException(ErrorCodes.Forbidden, $"A user may be in at most {CommunityRules.MaxCommunitiesPerUser} communities.");
        }

        if (await store.AddMemberAsync(CommunityId, userId, now))
        {
            S.MemberCount++;
            var used = invite with { Uses = invite.Uses + 1 };
            S.Invites[S.Invites.IndexOf(invite)] = used;
            await state.WriteStateAsync();
            var member = (await ToMembersAsync([await RequireMemberAsync(userId)]))[0];
            await AccessChangedAsync(userId, S.Channels);
            await PublishAsync(GatewayEvents.MemberJoined, member);
            var own = Stream(ChaosProviders.UserNamespace, userId);
            await own.OnNextAsync(GatewayEvent.Control(new MembershipChanged(CommunityId, userId, ids.NextId())));

            // The joiner's own MemberJoined rides its user stream behind MembershipChanged, so each of its connections,
            // on any front door, hears it once and after CommunityJoined; front doors leave the joiner out of the
            // community stream's copy (docs/architecture.md#own-join).
            await own.OnNextAsync(new GatewayEvent(GatewayEvents.MemberJoined, member, null));
        }

        return await ViewForAsync(userId);
    }

    public Task<InvitePreview> PreviewInviteAsync(string code)
    {
        var invite = Exists ? S.Invites.FirstOrDefault(i => i.Code == code) : null;
        if (invite is null || !IsUsable(invite, time.GetUtcNow()))
        {
            throw InviteInvalid();
        }

        return Task.FromResult(new InvitePreview(invite.Code, CommunityId, invite.InviterId, invite.MaxUses, invite.Uses, invite.ExpiresAt, new CommunitySummary(CommunityId, S.Name, S.Description, S.MemberCount)));
    }

    private static bool IsUsable(Invite invite, DateTimeOffset now) =>
        (invite.MaxUses == 0 || invite.Uses < invite.MaxUses) && (invite.ExpiresAt is null || invite.ExpiresAt > now);

    private static ChaosException InviteInvalid() => new(ErrorCodes.InviteInvalid, "This invite is unknown, expired, used up or revoked.");
}
