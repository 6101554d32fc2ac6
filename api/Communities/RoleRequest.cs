namespace Chaos.Api.Communities;

public sealed record RoleRequest(string? Name, Permissions.Permissions? Permissions, int? Position, int? Color, bool? Mentionable);
