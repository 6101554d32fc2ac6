using Chaos.Hosting;

namespace Chaos.Communities;

internal sealed class ChannelGrain(
    [PersistentState("channel", ChaosProviders.GrainStorage)] IPersistentState<ChannelState> state) : Grain, IChannelGrain
{
    public async Task AttachAsync(long communityId, ChannelType type)
    {
        state.State = new ChannelState { CommunityId = communityId, Type = type };
        await state.WriteStateAsync();
    }

    public async Task DetachAsync()
    {
        if (state.RecordExists)
        {
            await state.ClearStateAsync();
        }

        DeactivateOnIdle();
    }

    public Task<long?> GetCommunityIdAsync() =>
        Task.FromResult(state.RecordExists && state.State.CommunityId != 0 ? state.State.CommunityId : (long?)null);
}
