using Chaos.Errors;
using Chaos.Gateway;
using Chaos.Hosting;
using Chaos.PrivateChannels;
using Chaos.Relationships;
using R = Chaos.Relationships.RelationshipType;

namespace Chaos.Accounts;

/// <summary>
/// Relationships. Rows live in PostgreSQL; this grain caches its own user's rows and is the authority for them.
/// <para>
/// Deadlock freedom: every change of a pair runs on the pair's coordinator, the grain of the lower user id
/// (<see cref="RelationshipRules.Coordinator"/>), whichever side acts. The coordinator reads the higher side's view with
/// an interleaving read, asks the higher side to apply its new view (that side checks its own bound and may refuse), and
/// only then applies its own. So user grains only ever wait on grains with a higher id: A→B and B→A never wait on each
/// other, and since the coordinator is not reentrant, two changes of one pair never interleave. We chose this over
/// making the cross-calls [AlwaysInterleave] or one-way because both give up the serialization of a pair that makes
/// "accept by requesting back" race-free, and one-way calls cannot carry the higher side's refusal (its bound).
/// </para>
/// </summary>
internal sealed partial class UserGrain
{
    private Task<Dictionary<long, R>>? relations;

    public async Task<Relationship> ChangeRelationshipAsync(long actorId, long targetId, R type)
    {
        var me = this.GetPrimaryKeyLong();
        if (actorId == targetId)
        {
            throw ChaosException.Validation("userId", "You cannot have a relationship with yourself.");
        }

        if (me != RelationshipRules.Coordinator(actorId, targetId))
        {
            throw new InvalidOperationException("Relationship changes run on the pair's coordinator (the lower user id).");
        }

        if (type is not (R.Friend or R.Blocked or R.None))
        {
            throw ChaosException.Validation("type", "type must be \"friend\" or \"block\".");
        }

        var other = me == actorId ? targetId : actorId;
        if ((await directory.GetManyAsync([actorId, targetId])).Count != 2)
        {
            throw ChaosException.NotFound("user");
        }

        var peer = GrainFactory.GetGrain<IUserGrain>(other);
        var mine = await RelationsAsync();
        var myView = mine.GetValueOrDefault(other);
        var peerView = await peer.GetRelationshipAsync(me);
        var (actorView, targetView) = me == actorId ? (myView, peerView) : (peerView, myView);
        var (newActor, newTarget) = Transition(actorView, targetView, type);
        var (newMine, newPeer) = me == actorId ? (newActor, newTarget) : (newTarget, newActor);

        if (newMine != myView)
        {
            CheckBound(mine, newMine, me == actorId);
        }

        if (newPeer != peerView)
        {
            // The higher side checks its own bound; a refusal leaves both sides untouched.
            await peer.ApplyPeerRelationshipAsync(me, newPeer);
        }

        if (newMine != myView)
        {
            await ApplyAsync(other, newMine);
        }

        var blockedBefore = myView == R.Blocked || peerView == R.Blocked;
        var blockedAfter = newMine == R.Blocked || newPeer == R.Blocked;
        if (blockedBefore != blockedAfter)
        {
            await GrainFactory.GetGrain<IDmGrain>(DmKey.Of(me, other).ToString()).SetBlockedAsync(blockedAfter);
            // The pair's end-to-end encrypted DM is blocked alike (docs/api.md#end-to-end-encryption).
            await GrainFactory.GetGrain<IDmGrain>(DmKey.Of(me, other, e2ee: true).ToString()).SetBlockedAsync(blockedAfter);
        }

        return new Relationship(targetId, newActor);
    }

    public async Task ApplyPeerRelationshipAsync(long otherId, R type)
    {
        if (otherId >= this.GetPrimaryKeyLong())
        {
            throw new InvalidOperationException("Only the pair's coordinator (the lower user id) applies the higher side's view.");
        }

        var mine = await RelationsAsync();
        if (mine.GetValueOrDefault(otherId) != type)
        {
            CheckBound(mine, type, isActor: false);
            await ApplyAsync(otherId, type);
        }
    }

    public async Task<IReadOnlyList<Relationship>> GetRelationshipsAsync() =>
        [.. (await RelationsAsync()).Select(r => new Relationship(r.Key, r.Value))];

    public async Task<R> GetRelationshipAsync(long otherId) => (await RelationsAsync()).GetValueOrDefault(otherId);

    public async Task<IReadOnlyList<long>> GetPrivateChannelIdsAsync() =>
        Exists ? await privateChannelStore.GetChannelIdsOfUserAsync(this.GetPrimaryKeyLong(), PrivateChannelRules.MaxListed) : [];

    /// <summary>
    /// The pair's next views (actor's, target's) for the actor's request. A blocked user is never told: their side just
    /// ends (<c>none</c>), and a friend request to the one who blocked them looks sent (<c>outgoing</c>) but reaches nobody,
    /// like a request that is being ignored; unblocking clears it (docs/api.md#relationships).
    /// </summary>
    internal static (R Actor, R Target) Transition(R actor, R target, R requested) => requested switch
    {
        R.Friend when target == R.Blocked => (R.Outgoing, R.Blocked),
        R.Friend when actor is R.Friend or R.Incoming => (R.Friend, R.Friend),
        R.Friend when actor == R.Outgoing => (actor, target),
        R.Friend => (R.Outgoing, R.Incoming),
        R.Blocked => (R.Blocked, target == R.Blocked ? R.Blocked : R.None),
        _ when actor == R.Blocked => (R.None, target == R.Outgoing ? R.None : target),
        _ when actor == R.None => (actor, target),
        _ => (R.None, target == R.Blocked ? R.Blocked : R.None),
    };

    private static void CheckBound(Dictionary<long, R> mine, R type, bool isActor)
    {
        var limit = RelationshipRules.LimitOf(type);
        if (type != R.None && mine.Values.Count(v => v == type) >= limit)
        {
            var what = type switch
            {
                R.Friend => "friends",
                R.Blocked => "blocked users",
                _ => "pending friend requests",
            };
            var bound = limit.ToString("N0", System.Globalization.CultureInfo.InvariantCulture);
            throw new ChaosException(ErrorCodes.Conflict, isActor
                ? $"You have reached the limit of {bound} {what}."
                : $"This user has reached the limit of {bound} {what}.");
        }
    }

    private async Task ApplyAsync(long otherId, R type)
    {
        var me = this.GetPrimaryKeyLong();
        await relationshipStore.SetAsync(me, otherId, type, time.GetUtcNow());
        var mine = await RelationsAsync();
        if (type == R.None)
        {
            mine.Remove(otherId);
        }
        else
        {
            mine[otherId] = type;
        }

        await this.GetStreamProvider(ChaosProviders.Streams)
            .GetStream<GatewayEvent>(StreamId.Create(ChaosProviders.UserNamespace, me))
            .OnNextAsync(new GatewayEvent(GatewayEvents.RelationshipUpdated, new Relationship(otherId, type), null));
    }

    /// <summary>One load per activation; interleaving readers await the same task.</summary>
    private Task<Dictionary<long, R>> RelationsAsync() =>
        relations ??= LoadRelationsAsync();

    private async Task<Dictionary<long, R>> LoadRelationsAsync()
    {
        try
        {
            return (await relationshipStore.GetAsync(this.GetPrimaryKeyLong())).ToDictionary(r => r.UserId, r => r.Type);
        }
        catch
        {
            relations = null;
            throw;
        }
    }
}
