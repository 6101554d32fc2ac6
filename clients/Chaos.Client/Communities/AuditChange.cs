namespace Chaos.Client.Communities;

public sealed record AuditChange(string? Old, string? New);
