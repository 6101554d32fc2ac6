namespace Chaos.Communities;

[GenerateSerializer, Immutable, Alias("chaos.AuditChange")]
public sealed record AuditChange([property: Id(0)] string? Old, [property: Id(1)] string? New);
