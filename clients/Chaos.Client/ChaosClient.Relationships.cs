using Chaos.Client.Communities;
using Chaos.Client.Relationships;

namespace Chaos.Client;

public sealed partial class ChaosClient
{
    public Task<IReadOnlyList<Relationship>> GetRelationshipsAsync(CancellationToken cancellation = default) =>
        SendAsync<IReadOnlyList<Relationship>>(HttpMethod.Get, "users/@me/relationships", null, cancellation);

    /// <summary>Sends a friend request, or accepts an incoming one.</summary>
    public Task AddFriendAsync(string userId, CancellationToken cancellation = default) =>
        SendAsync(HttpMethod.Put, $"users/@me/relationships/{Id(userId)}", new { type = "friend" }, cancellation);

    public Task BlockUserAsync(string userId, CancellationToken cancellation = default) =>
        SendAsync(HttpMethod.Put, $"users/@me/relationships/{Id(userId)}", new { type = "block" }, cancellation);

    /// <summary>Removes a friend, cancels or declines a request, or unblocks.</summary>
    public Task RemoveRelationshipAsync(string userId, CancellationToken cancellation = default) =>
        SendAsync(HttpMethod.Delete, $"users/@me/relationships/{Id(userId)}", null, cancellation);

    public Task SetPresenceAsync(PresenceStatus status, string? statusMessage = null, CancellationToken cancellation = default) =>
        SendAsync(HttpMethod.Put, "users/@me/presence", new PresenceBody(status, statusMessage), cancellation);

    /// <summary>Opens the DM with one user (the same DM again if it exists) or a group with 2–9 users.</summary>
    public Task<Channel> CreateDmAsync(IReadOnlyList<string> recipientIds, CancellationToken cancellation = default) =>
        SendAsync<Channel>(HttpMethod.Post, "users/@me/channels", new { recipientIds }, cancellation);

    /// <summary>
    /// Opens the end-to-end encrypted DM (one recipient) or creates an encrypted group. This SDK can list and read such a
    /// channel's ciphertext but cannot send to it (README, "End-to-end encryption").
    /// </summary>
    public Task<Channel> CreateEncryptedDmAsync(IReadOnlyList<string> recipientIds, CancellationToken cancellation = default) =>
        SendAsync<Channel>(HttpMethod.Post, "users/@me/channels", new { recipientIds, e2ee = true }, cancellation);

    public Task<IReadOnlyList<Channel>> GetDmChannelsAsync(CancellationToken cancellation = default) =>
        SendAsync<IReadOnlyList<Channel>>(HttpMethod.Get, "users/@me/channels", null, cancellation);

    private sealed record PresenceBody(PresenceStatus Status, string? StatusMessage);
}
