namespace Chaos.Api.PrivateChannels;

/// <summary>
/// The body of <c>POST /users/@me/channels</c>: one recipient opens the DM, 2–9 create a group; <c>e2ee</c> makes it end-to-end
/// encrypted (the pair's encrypted DM is a channel of its own beside the plain one).
/// </summary>
public sealed record PrivateChannelRequest(IReadOnlyList<string>? RecipientIds, bool? E2ee = null);
