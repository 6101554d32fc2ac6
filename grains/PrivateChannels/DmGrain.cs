using Chaos.Communities;
using Chaos.Errors;
using Chaos.Hosting;
using Chaos.Ids;

namespace Chaos.PrivateChannels;

/// <summary>
/// One per pair (<see cref="DmKey"/>). Single activation plus a non-reentrant grain make "created once" hold under any
/// number of concurrent opens: the first one picks and stores the channel id, every later one returns that channel.
/// </summary>
internal sealed class DmGrain(
    [PersistentState("dm", ChaosProviders.GrainStorage)] IPersistentState<DmState> state,
    IUserDirectory users,
    IIdGenerator ids) : Grain, IDmGrain
{
    private DmKey Key => DmKey.Parse(this.GetPrimaryKeyString());

    public async Task<Channel> OpenAsync(long actorId)
    {
        var key = Key;
        if (!key.Contains(actorId))
        {
            throw new ChaosException(ErrorCodes.Forbidden, "Not your DM.");
        }

        if (state.State.Blocked)
        {
            throw new ChaosException(ErrorCodes.Forbidden, "You cannot send direct messages to this user.");
        }

        if (state.State.ChannelId == 0)
        {
            if ((await users.GetManyAsync([key.Low, key.High])).Count != 2)
            {
                throw ChaosException.NotFound("user");
            }

            state.State.ChannelId = ids.NextId();
            await state.WriteStateAsync();
        }

        // Idempotent: repairs a creation interrupted after the id was stored.
        return await GrainFactory.GetGrain<IChannelGrain>(state.State.ChannelId).CreatePrivateAsync(ChannelType.Dm, 0, [key.Low, key.High], key.E2ee);
    }

    public async Task SetBlockedAsync(bool blocked)
    {
        state.State.Blocked = blocked;
        await state.WriteStateAsync();
        if (state.State.ChannelId != 0)
        {
            await GrainFactory.GetGrain<IChannelGrain>(state.State.ChannelId).SetBlockedAsync(blocked);
        }
    }
}
