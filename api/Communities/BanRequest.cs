namespace Chaos.Api.Communities;

public sealed record BanRequest(string? Reason);
