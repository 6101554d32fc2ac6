using Chaos.Ai;
using Chaos.Errors;
using Chaos.Gateway;
using Chaos.Messages;
using Microsoft.Extensions.Logging;
using P = Chaos.Permissions.Permissions;

namespace Chaos.Communities;

/// <summary>
/// The channel's side of AI moderation (docs/architecture.md#ai-assistance): hand each new or edited message to the
/// community's moderation queue after the send was answered, and hide or show a message as the queue decides. Whether
/// this channel is moderated at all is cached like permissions (the community drops the cache when it changes), so a
/// community without moderation costs a send nothing.
/// </summary>
internal sealed partial class ChannelGrain
{
    private ModerationMode? moderation;
    private DateTimeOffset moderationAt;

    public async Task<bool> SetHiddenAsync(long messageId, bool hidden)
    {
        EnsureExists();
        var message = await FindAsync(messageId);
        if (message is null)
        {
            return false;
        }

        if (((message.Flags & MessageFlags.Hidden) != 0) == hidden)
        {
            return true;
        }

        var updated = await store.SetFlagAsync(ChannelId, messageId, MessageFlags.Hidden, hidden, CancellationToken.None);
        if (updated is null)
        {
            return false;
        }

        Replace(updated);
        // Sent to everyone alike, so redacted while hidden; moderators read the content through history.
        await PublishAsync(GatewayEvents.MessageUpdated, (await ToMessagesAsync([updated], NoViewer))[0], null);
        return true;
    }

    public async Task<bool> SetTranscriptAsync(long messageId, long attachmentId, string status, string? transcript)
    {
        EnsureExists();
        if (status is not (TranscriptStatuses.Done or TranscriptStatuses.Failed))
        {
            throw ChaosException.Validation("status", "A transcript is done or failed.");
        }

        var message = await FindAsync(messageId);
        if (message?.Attachments?.FirstOrDefault(a => a.Id == attachmentId) is not { } attachment)
        {
            return false;
        }

        if (attachment.TranscriptStatus != TranscriptStatuses.Pending)
        {
            return true;
        }

        var text = status == TranscriptStatuses.Done ? (transcript ?? string.Empty) : null;
        if (text is { Length: > TranscriptStatuses.MaxLength })
        {
            text = text[..TranscriptStatuses.MaxLength];
        }

        var attachments = message.Attachments.Select(a => a.Id == attachmentId ? a with { TranscriptStatus = status, Transcript = text } : a).ToList();
        var updated = await store.SetAttachmentsAsync(ChannelId, messageId, attachments, CancellationToken.None);
        if (updated is null)
        {
            return false;
        }

        Replace(updated);
        // Sent to everyone alike, so redacted like any event when the message is hidden by moderation.
        await PublishAsync(GatewayEvents.MessageUpdated, (await ToMessagesAsync([updated], NoViewer))[0], null);
        return true;
    }

    /// <summary>Never throws: whatever goes wrong here must not touch a send, which is answered already.</summary>
    private async Task SubmitForModerationAsync(IReadOnlyList<StoredMessage> messages)
    {
        if (IsPrivate || !messages.Any(m => m.Content.Trim().Length > 0))
        {
            return;
        }

        try
        {
            var now = time.GetUtcNow();
            if (moderation is null || now - moderationAt > PermissionTtl)
            {
                moderation = await GrainFactory.GetGrain<ICommunityGrain>(state.State.CommunityId).GetModerationModeAsync(ChannelId);
                moderationAt = now;
            }

            if (moderation == ModerationMode.Off)
            {
                return;
            }

            // One-way: the call returns once sent; the queue classifies whenever the model answers.
            await GrainFactory.GetGrain<IModerationGrain>(state.State.CommunityId).SubmitAsync(
                [.. messages.Where(m => m.Content.Trim().Length > 0).Select(m => new ModerationCandidate(ChannelId, m.Id, m.AuthorId, m.Content))]);
        }
        catch (Exception exception)
        {
            LogModerationSubmitFailed(logger, exception, ChannelId);
        }
    }

    /// <summary>Whether a viewer sees hidden messages as they are: only with ManageMessages here (cached by the permission check before).</summary>
    private bool SeesHidden(long? viewerId) =>
        viewerId is { } viewer && viewer != NoViewer && permissions.TryGetValue(viewer, out var held) && held.Permissions.HasFlag(P.ManageMessages);

    private static bool Redacted(StoredMessage message, bool seesHidden) => !seesHidden && (message.Flags & MessageFlags.Hidden) != 0;

    [LoggerMessage(Level = LogLevel.Warning, Message = "Handing messages of channel {ChannelId} to moderation failed; they are not classified")]
    private static partial void LogModerationSubmitFailed(ILogger logger, Exception exception, long channelId);
}
