namespace Chaos.Api.PrivateChannels;

/// <summary>The body of <c>POST /users/@me/channels</c>: one recipient opens the DM, 2–9 create a group.</summary>
public sealed record PrivateChannelRequest(IReadOnlyList<string>? RecipientIds);
