namespace Chaos.Api.PrivateChannels;

/// <summary><c>ChannelDeleted</c> as a removed group member sees it: <c>{id, communityId: null}</c>.</summary>
public sealed record PrivateChannelDeleted(long Id, long? CommunityId);
