using Chaos.Permissions;

namespace Chaos.Api.Communities;

public sealed record OverwriteRequest(OverwriteType? Type, Permissions.Permissions? Allow, Permissions.Permissions? Deny);
