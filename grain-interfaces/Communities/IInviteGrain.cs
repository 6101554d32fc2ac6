namespace Chaos.Communities;

/// <summary>Maps an invite code (key <see cref="InviteKey.For"/>) to its community; the community grain holds the rest.</summary>
public interface IInviteGrain : IGrainWithStringKey
{
    Task<long?> GetCommunityIdAsync();

    Task SetCommunityAsync(long communityId);

    Task ClearAsync();
}
