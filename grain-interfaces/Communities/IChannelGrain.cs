using Orleans.Concurrency;
using Chaos.Accounts;
using Chaos.E2ee;
using Chaos.Messages;

namespace Chaos.Communities;

/// <summary>
/// A channel, keyed by channel id: the per-channel <c>seq</c>, a window of recent messages and nonces, and the durable
/// append through group commit. It knows its community, so <c>/channels/{id}</c> routes resolve.
/// </summary>
public interface IChannelGrain : IGrainWithIntegerKey
{
    Task AttachAsync(long communityId, ChannelType type, bool e2ee = false);

    Task DetachAsync();

    /// <summary>The owning community, or null when no such channel exists.</summary>
    Task<long?> GetCommunityIdAsync();

    /// <summary>
    /// Acknowledged only once the message is durable in PostgreSQL; a repeated nonce returns the original. Interleaves:
    /// sends queue up while the previous group commits, and the grain keeps their order itself (one commit in flight).
    /// </summary>
    [AlwaysInterleave]
    Task<Message> SendMessageAsync(long authorId, string content, string? nonce, long? replyToId);

    /// <summary>
    /// For front doors, never for clients: the <c>MessageCreated</c> payloads with a seq above <paramref name="afterSeq"/>
    /// that the channel still holds in its recent window (at most <paramref name="limit"/>, oldest first, deleted ones left
    /// out), so a front door that saw a gap in the live stream delivers what it missed (docs/architecture.md#front-door-gap-fill).
    /// </summary>
    [AlwaysInterleave]
    Task<IReadOnlyList<Message>> GetPublishedAfterAsync(long afterSeq, int limit);

    /// <summary>
    /// A voice message: no text, one attachment whose bytes are already in the blob store (needs SendVoiceMessages).
    /// Durable and ordered like any other send (and interleaves like it).
    /// </summary>
    [AlwaysInterleave]
    Task<Message> SendVoiceMessageAsync(long authorId, Attachment attachment);

    /// <summary>
    /// A message with 1–10 uploaded files whose bytes are already in the blob store (needs SendMessages and AttachFiles;
    /// <paramref name="content"/> may be empty). Ordered, durable and nonce-idempotent like a text send: a repeated nonce
    /// answers the original message, whose attachments are then not these (docs/api.md#attachments).
    /// </summary>
    [AlwaysInterleave]
    Task<Message> SendAttachmentsAsync(long authorId, string content, string? nonce, long? replyToId, IReadOnlyList<Attachment> attachments);

    /// <summary>
    /// Throws <c>missing_permission</c> (or <c>not_a_member</c>, <c>banned</c>, <c>not_found</c>) unless
    /// <paramref name="userId"/> holds <paramref name="needed"/> here: the front door asks before it reads an upload's
    /// body and before it serves an attachment. Works for DMs and groups too.
    /// </summary>
    Task RequirePermissionsAsync(long userId, Chaos.Permissions.Permissions needed);

    Task<Message> GetMessageAsync(long userId, long messageId);

    Task<IReadOnlyList<Message>> GetMessagesAsync(long userId, long? before, long? after, int limit);

    Task<Message> EditMessageAsync(long userId, long messageId, string content);

    /// <summary>Deletes the message and answers the ids of its attachments, whose bytes the front door then deletes.</summary>
    Task<IReadOnlyList<long>> DeleteMessageAsync(long userId, long messageId);

    /// <summary>Adds the user's reaction (AddReactions, unless someone already reacted with that emoji); false when it was already there.</summary>
    Task<bool> AddReactionAsync(long userId, long messageId, string emoji);

    /// <summary>Removes <paramref name="userId"/>'s reaction: one's own always, another's with ManageMessages.</summary>
    Task<bool> RemoveReactionAsync(long actorId, long messageId, string emoji, long userId);

    /// <summary>Who reacted with <paramref name="emoji"/>, by user id ascending after <paramref name="after"/>.</summary>
    Task<IReadOnlyList<PublicUser>> GetReactionUsersAsync(long userId, long messageId, string emoji, long? after, int limit);

    /// <summary>Pins a message (ManageMessages; at most 50 per channel); false when it was already pinned.</summary>
    Task<bool> PinAsync(long actorId, long messageId);

    Task<bool> UnpinAsync(long actorId, long messageId);

    /// <summary>The pinned messages, newest pin first.</summary>
    Task<IReadOnlyList<Message>> GetPinsAsync(long userId);

    /// <summary>Throws unless the user may read this channel's history (ViewChannel and ReadMessageHistory): search asks first.</summary>
    Task RequireHistoryAsync(long userId);

    /// <summary>Publishes <c>TypingStarted</c> at most once per 2 s per user; extra calls are ignored, not refused.</summary>
    Task StartTypingAsync(long userId);

    Task<ReadState> AckAsync(long userId, long messageId);

    /// <summary>
    /// Told by the community when roles, overwrites or membership changed (null means everyone). It interleaves, so it
    /// takes effect at once even while a send is waiting for its commit, and the community can await it without risk.
    /// </summary>
    [AlwaysInterleave]
    Task InvalidatePermissionsAsync(long? userId);

    /// <summary>
    /// <see cref="InvalidatePermissionsAsync"/> for a change front doors must apply (<paramref name="change"/>), which the
    /// channel also pushes to the front doors registered with it, ahead of any message it pushes afterwards
    /// (docs/architecture.md#push-relay-for-channel-events). The community still publishes the change on the streams.
    /// </summary>
    [AlwaysInterleave]
    Task ChangeAccessAsync(Gateway.AccessChanged change);

    /// <summary>
    /// For front doors: registers (or renews) <paramref name="relay"/> under a lease of
    /// <see cref="ChannelRelayRules.Lease"/>, replacing an older registration of the same front door. Answers the highest
    /// seq already pushed or published, so the front door knows where its delivery starts and whether it missed a tail.
    /// </summary>
    [AlwaysInterleave]
    Task<long> AttachRelayAsync(string frontDoorId, long lease, Gateway.IChannelRelay relay);

    /// <summary>For front doors: ends the registration <paramref name="lease"/> of a front door (a newer one is kept).</summary>
    [AlwaysInterleave]
    Task DetachRelayAsync(string frontDoorId, long lease);

    /// <summary>
    /// Sets or clears the moderation <c>hidden</c> flag (docs/api.md#ai-assistance) and announces the change with a
    /// <c>MessageUpdated</c>; called by the community's moderation, never for a user. False when the message is gone.
    /// </summary>
    Task<bool> SetHiddenAsync(long messageId, bool hidden);

    /// <summary>
    /// Sets a voice message's transcript (docs/api.md#ai-assistance: <c>status</c> <c>done</c> with the text or
    /// <c>failed</c>) and announces it with a <c>MessageUpdated</c>; called by a front door's transcriber, never for a
    /// user. Only an attachment still <c>pending</c> changes. False when the message or attachment is gone.
    /// </summary>
    Task<bool> SetTranscriptAsync(long messageId, long attachmentId, string status, string? transcript);

    /// <summary>Makes this grain a DM or group channel (once): recipients include the owner (a DM has no owner: 0).</summary>
    Task<Channel> CreatePrivateAsync(ChannelType type, long ownerId, IReadOnlyList<long> recipientIds, bool e2ee = false);

    /// <summary>A DM or group as one of its recipients sees it.</summary>
    Task<Channel> GetPrivateAsync(long userId);

    /// <summary>For a front door's <c>Ready</c>: <see cref="GetPrivateAsync"/> with the channel's membership version.</summary>
    Task<PrivateChannels.PrivateChannelSnapshot> GetPrivateSnapshotAsync(long userId);

    /// <summary>Group only: the owner adds a user (refused when that user blocked the owner, or the group is full).</summary>
    Task<Channel> AddRecipientAsync(long actorId, long userId);

    /// <summary>Group only: the owner removes anyone; any recipient may remove themselves (leave).</summary>
    Task RemoveRecipientAsync(long actorId, long userId);

    /// <summary>DM only: while blocked, nobody may send; history stays readable.</summary>
    Task SetBlockedAsync(bool blocked);

    /// <summary>Whether the channel is end-to-end encrypted (<c>not_found</c> when it does not exist).</summary>
    [AlwaysInterleave]
    Task<bool> IsE2eeAsync();

    /// <summary>
    /// An encrypted message of an e2ee channel: opaque <paramref name="ciphertext"/> (at most 6 KiB), no content, no files.
    /// Ordered, durable and nonce-idempotent exactly like a text send; never searched, never given to a model.
    /// </summary>
    [AlwaysInterleave]
    Task<Message> SendCiphertextAsync(long authorId, byte[] ciphertext, string? nonce, long? replyToId);

    /// <summary>
    /// An MLS commit, proposal or welcome, ordered in the channel's <c>seq</c>. A commit for epoch N is accepted only while
    /// the channel is at epoch N (then it is at N+1); a late one is <c>conflict</c>. A welcome reaches only
    /// <paramref name="recipientDeviceIds"/>, which must be devices of the channel's members.
    /// </summary>
    [AlwaysInterleave]
    Task<MlsPosted> PostMlsAsync(long userId, long deviceId, MlsKind kind, long epoch, byte[] payload, IReadOnlyList<long>? recipientDeviceIds);

    /// <summary>The channel's MLS messages after <paramref name="afterSeq"/>, in seq order; welcomes only those addressed to <paramref name="deviceId"/>.</summary>
    Task<IReadOnlyList<MlsMessage>> GetMlsAsync(long userId, long? deviceId, long afterSeq, int limit);
}
