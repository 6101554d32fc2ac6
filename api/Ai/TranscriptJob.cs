namespace Chaos.Api.Ai;

/// <summary>One voice message waiting for its transcript on this front door (docs/architecture.md#voice-message-transcripts).</summary>
public sealed record TranscriptJob(long CommunityId, long ChannelId, long MessageId, long AttachmentId);
