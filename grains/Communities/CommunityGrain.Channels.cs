using Chaos.Errors;
using Chaos.Gateway;
using Chaos.Permissions;
using P = Chaos.Permissions.Permissions;

namespace Chaos.Communities;

/// <summary>The community's channels: create, read, update (name, topic, position), delete, and their permission overwrites.</summary>
internal sealed partial class CommunityGrain
{
    public async Task<Channel> CreateChannelAsync(long actorId, string name, ChannelType type, string? topic, int? position, bool e2ee = false)
    {
        EnsureExists();
        await RequirePermissionAsync(actorId, P.ManageChannels);
        ChaosException.ThrowIfInvalid("name", CommunityRules.CheckChannelName(name));
        ChaosException.ThrowIfInvalid("topic", CommunityRules.CheckTopic(topic));
        if (type is not (ChannelType.Text or ChannelType.Voice))
        {
            throw ChaosException.Validation("type", "A community channel is \"text\" or \"voice\".");
        }

        if (e2ee && type != ChannelType.Voice)
        {
            // docs/api.md#end-to-end-encryption: in a community only voice channels are encrypted end to end.
            throw ChaosException.Validation("e2ee", "Only a voice channel of a community can be end-to-end encrypted.");
        }

        if (S.Channels.Count >= CommunityRules.MaxChannels)
        {
            throw ChaosException.Validation("name", $"A community has at most {CommunityRules.MaxChannels} channels.");
        }

        var channel = new Channel(ids.NextId(), type, CommunityId, name.Trim(), string.IsNullOrEmpty(topic) ? null : topic, 0, [], null, AiExcluded: e2ee, E2ee: e2ee);
        S.Channels = ChannelOrder.Insert(S.Channels, channel, position ?? S.Channels.Count);
        var created = S.Channels.Single(c => c.Id == channel.Id);
        await CommitAsync(
            new(actorId, "channel.create", channel.Id, new() { ["name"] = new(null, channel.Name), ["type"] = new(null, type.ToString().ToLowerInvariant()) }),
            (GatewayEvents.ChannelCreated, created),
            access: new(null, [created]),
            then: () => GrainFactory.GetGrain<IChannelGrain>(channel.Id).AttachAsync(CommunityId, type, e2ee));
        return created;
    }

    public async Task<Channel> GetChannelAsync(long actorId, long channelId)
    {
        EnsureExists();
        var channel = FindChannel(channelId);
        await RequirePermissionAsync(actorId, P.ViewChannel, channelId);
        return channel;
    }

    public async Task<Channel> UpdateChannelAsync(long actorId, long channelId, ChannelChange change)
    {
        EnsureExists();
        var channel = FindChannel(channelId);
        await RequirePermissionAsync(actorId, P.ManageChannels, channelId);
        if (change.Name is not null)
        {
            ChaosException.ThrowIfInvalid("name", CommunityRules.CheckChannelName(change.Name));
        }

        ChaosException.ThrowIfInvalid("topic", CommunityRules.CheckTopic(change.Topic));
        var changes = new Dictionary<string, AuditChange>();
        var updated = channel;
        if (change.Name is not null && change.Name.Trim() != channel.Name)
        {
            changes["name"] = new(channel.Name, change.Name.Trim());
            updated = updated with { Name = change.Name.Trim() };
        }

        if (change.Topic is not null && (string.IsNullOrEmpty(change.Topic) ? null : change.Topic) != channel.Topic)
        {
            changes["topic"] = new(channel.Topic, change.Topic);
            updated = updated with { Topic = string.IsNullOrEmpty(change.Topic) ? null : change.Topic };
        }

        if (change.AiExcluded is false && channel.E2ee)
        {
            throw ChaosException.Validation("aiExcluded", "An end-to-end encrypted channel is never read by AI.");
        }

        if (change.AiExcluded is { } excluded && excluded != channel.AiExcluded)
        {
            changes["aiExcluded"] = new(channel.AiExcluded ? "true" : "false", excluded ? "true" : "false");
            updated = updated with { AiExcluded = excluded };
        }

        var list = S.Channels.Select(c => c.Id == channelId ? updated : c).ToList();
        if (change.Position is { } position && position != channel.Position)
        {
            changes["position"] = new(Str(channel.Position), Str(position));
            list = ChannelOrder.Insert(list.Where(c => c.Id != channelId), updated, position);
        }

        if (changes.Count > 0)
        {
            S.Channels = list;
            await CommitAsync(new(actorId, "channel.update", channelId, changes), (GatewayEvents.ChannelUpdated, FindChannel(channelId)));
        }

        return FindChannel(channelId);
    }

    public async Task DeleteChannelAsync(long actorId, long channelId)
    {
        EnsureExists();
        var channel = FindChannel(channelId);
        await RequirePermissionAsync(actorId, P.ManageChannels, channelId);
        S.Channels = ChannelOrder.Renumber(S.Channels.Where(c => c.Id != channelId));
        await CommitAsync(
            new(actorId, "channel.delete", channelId, new() { ["name"] = new(channel.Name, null) }),
            (GatewayEvents.ChannelDeleted, new EntityDeleted(channelId, CommunityId)),
            access: new(null, [channel], Ends: true),
            then: () => GrainFactory.GetGrain<IChannelGrain>(channelId).DetachAsync());
    }

    public async Task<Channel> SetOverwriteAsync(long actorId, long channelId, ChannelOverwrite overwrite)
    {
        EnsureExists();
        var channel = FindChannel(channelId);
        var actor = await RequirePermissionAsync(actorId, P.ManageRoles, channelId);
        if (overwrite.Type == OverwriteType.Role && S.Roles.All(r => r.Id != overwrite.Id))
        {
            throw ChaosException.NotFound("role");
        }

        if (overwrite.Type == OverwriteType.Member && await FindMemberAsync(overwrite.Id) is null)
        {
            throw ChaosException.NotFound("member");
        }

        RequireHeld(actor, (overwrite.Allow | overwrite.Deny) & ~P.Administrator, channelId);
        if ((overwrite.Allow | overwrite.Deny).HasFlag(P.Administrator))
        {
            throw ChaosException.Validation("allow", "Administrator cannot be set per channel.");
        }

        var existing = channel.Overwrites.FirstOrDefault(o => o.Id == overwrite.Id);
        if (existing is null && channel.Overwrites.Count >= CommunityRules.MaxOverwritesPerChannel)
        {
            throw ChaosException.Validation("targetId", $"A channel has at most {CommunityRules.MaxOverwritesPerChannel} overwrites.");
        }

        var updated = channel with { Overwrites = [.. channel.Overwrites.Where(o => o.Id != overwrite.Id), overwrite] };
        S.Channels = S.Channels.Select(c => c.Id == channelId ? updated : c).ToList();
        var changes = new Dictionary<string, AuditChange>
        {
            ["targetId"] = new(null, Str(overwrite.Id)),
            ["allow"] = new(existing is null ? null : PermissionSets.Format(existing.Allow), PermissionSets.Format(overwrite.Allow)),
            ["deny"] = new(existing is null ? null : PermissionSets.Format(existing.Deny), PermissionSets.Format(overwrite.Deny)),
        };
        await CommitAsync(
            new(actorId, "overwrite.update", channelId, changes),
            (GatewayEvents.ChannelUpdated, updated),
            access: new(overwrite.Type == OverwriteType.Member ? overwrite.Id : null, [updated]));
        return updated;
    }

    public async Task<Channel> DeleteOverwriteAsync(long actorId, long channelId, long targetId)
    {
        EnsureExists();
        var channel = FindChannel(channelId);
        await RequirePermissionAsync(actorId, P.ManageRoles, channelId);
        var existing = channel.Overwrites.FirstOrDefault(o => o.Id == targetId) ?? throw ChaosException.NotFound("overwrite");
        var updated = channel with { Overwrites = [.. channel.Overwrites.Where(o => o.Id != targetId)] };
        S.Channels = S.Channels.Select(c => c.Id == channelId ? updated : c).ToList();
        var changes = new Dictionary<string, AuditChange>
        {
            ["targetId"] = new(Str(targetId), null),
            ["allow"] = new(PermissionSets.Format(existing.Allow), null),
            ["deny"] = new(PermissionSets.Format(existing.Deny), null),
        };
        await CommitAsync(
            new(actorId, "overwrite.delete", channelId, changes),
            (GatewayEvents.ChannelUpdated, updated),
            access: new(existing.Type == OverwriteType.Member ? targetId : null, [updated]));
        return updated;
    }
}
