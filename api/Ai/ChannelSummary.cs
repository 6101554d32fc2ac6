namespace Chaos.Api.Ai;

/// <summary>The answer of <c>POST /channels/{id}/summaries</c> (docs/api.md#ai-assistance).</summary>
public sealed record ChannelSummary(
    long ChannelId,
    long? FromMessageId,
    long? ToMessageId,
    int MessageCount,
    string Summary,
    string Model,
    DateTimeOffset GeneratedAt);
