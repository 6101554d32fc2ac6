namespace Chaos.Api.Messages;

public sealed record ReadStateRequest(string? LastReadMessageId);
