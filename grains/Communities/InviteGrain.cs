using Chaos.Hosting;

namespace Chaos.Communities;

internal sealed class InviteGrain(
    [PersistentState("invite", ChaosProviders.GrainStorage)] IPersistentState<InviteState> state) : Grain, IInviteGrain
{
    public Task<long?> GetCommunityIdAsync() =>
        Task.FromResult(state.RecordExists && state.State.CommunityId != 0 ? state.State.CommunityId : (long?)null);

    public async Task SetCommunityAsync(long communityId)
    {
        state.State.CommunityId = communityId;
        await state.WriteStateAsync();
    }

    public async Task ClearAsync()
    {
        if (state.RecordExists)
        {
            await state.ClearStateAsync();
        }

        DeactivateOnIdle();
    }
}
