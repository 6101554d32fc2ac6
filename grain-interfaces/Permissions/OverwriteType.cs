namespace Chaos.Permissions;

/// <summary>Whom a channel overwrite targets; written as <c>"role"</c> / <c>"member"</c> on the wire.</summary>
public enum OverwriteType
{
    Role = 0,
    Member = 1,
}
