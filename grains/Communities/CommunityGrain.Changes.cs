using System.Globalization;
using Chaos.Gateway;
using Chaos.Hosting;
using Orleans.Streams;
using P = Chaos.Permissions.Permissions;

namespace Chaos.Communities;

/// <summary>How a change leaves the grain: write, audit entry, gateway event and access re-evaluation, always in one order; and the audit log.</summary>
internal sealed partial class CommunityGrain
{
    public async Task<IReadOnlyList<AuditEntry>> GetAuditLogAsync(long actorId, long? before, int limit)
    {
        EnsureExists();
        await RequirePermissionAsync(actorId, P.ViewAuditLog);
        return await store.GetAuditAsync(CommunityId, before, Math.Clamp(limit, 1, CommunityRules.MaxPageSize));
    }

    /// <summary>
    /// Every audited change goes out through here, in one order: the write (the grain state, unless <paramref name="write"/>
    /// names another), what follows from it (<paramref name="then"/>: channel grains, store rows), the audit entry, then
    /// the event. <paramref name="access"/> is re-evaluated before the event when access may grow or change, so the event
    /// reaches whoever may now see it, and after it when access ends, so the event still reaches those losing it.
    /// </summary>
    private async Task CommitAsync(
        AuditNote audit,
        (string Name, object Payload)? published,
        AccessScope? access = null,
        Func<Task>? then = null,
        Func<Task>? write = null)
    {
        if (write is null)
        {
            await state.WriteStateAsync();
        }
        else
        {
            await write();
        }

        if (then is not null)
        {
            await then();
        }

        await AuditAsync(audit.ActorId, audit.Action, audit.TargetId, null, audit.Changes);
        if (access is { Ends: false } grows)
        {
            await AccessChangedAsync(grows.UserId, grows.Channels);
        }

        if (published is { } e)
        {
            await PublishAsync(e.Name, e.Payload);
        }

        if (access is { Ends: true } ends)
        {
            await AccessChangedAsync(ends.UserId, ends.Channels);
        }
    }

    private Task AuditAsync(long actorId, string action, long? targetId, string? reason, Dictionary<string, AuditChange> changes) =>
        store.AppendAuditAsync(new AuditEntry(ids.NextId(), CommunityId, actorId, action, targetId, reason, changes, time.GetUtcNow()));

    private IAsyncStream<GatewayEvent> Stream(string ns, long key) =>
        this.GetStreamProvider(ChaosProviders.Streams).GetStream<GatewayEvent>(StreamId.Create(ns, key));

    private Task PublishAsync(string name, object payload) =>
        Stream(ChaosProviders.CommunityNamespace, CommunityId).OnNextAsync(new GatewayEvent(name, payload, null));

    /// <summary>
    /// Tells channel grains to drop cached permissions, and front doors (on the community stream and on each channel
    /// stream, ahead of anything published after it there) to re-evaluate who may see what.
    /// </summary>
    private async Task AccessChangedAsync(long? userId, IReadOnlyCollection<Channel> channels)
    {
        var change = new AccessChanged(CommunityId, userId, ids.NextId());
        await ChangeAccessAsync(change, channels);
        await AnnounceAccessChangedAsync(change, channels);
    }

    private Task InvalidatePermissionsAsync(long? userId, IReadOnlyCollection<Channel> channels) =>
        Task.WhenAll(channels.Select(c => GrainFactory.GetGrain<IChannelGrain>(c.Id).InvalidatePermissionsAsync(userId)));

    /// <summary>
    /// Channel grains drop cached permissions and push the change to their front doors ahead of any later message
    /// (docs/architecture.md#push-relay-for-channel-events).
    /// </summary>
    private Task ChangeAccessAsync(AccessChanged change, IReadOnlyCollection<Channel> channels) =>
        Task.WhenAll(channels.Select(c => GrainFactory.GetGrain<IChannelGrain>(c.Id).ChangeAccessAsync(change)));

    private async Task AnnounceAccessChangedAsync(AccessChanged change, IReadOnlyCollection<Channel> channels)
    {
        var changed = GatewayEvent.Control(change);
        await Stream(ChaosProviders.CommunityNamespace, CommunityId).OnNextAsync(changed);
        foreach (var channel in channels)
        {
            await Stream(ChaosProviders.ChannelNamespace, channel.Id).OnNextAsync(changed);
        }
    }

    private static string Str(long value) => value.ToString(CultureInfo.InvariantCulture);

    /// <summary>The audit entry of one change (its reason, where there is one, goes through <see cref="AuditAsync"/>).</summary>
    private readonly record struct AuditNote(long ActorId, string Action, long? TargetId, Dictionary<string, AuditChange> Changes);

    /// <summary>Whose access to re-evaluate after a change (everyone's when <see cref="UserId"/> is null), and whether it ends.</summary>
    private readonly record struct AccessScope(long? UserId, IReadOnlyCollection<Channel> Channels, bool Ends = false);
}
