namespace Chaos.Client.Communities;

public enum OverwriteType
{
    Role,
    Member,
}
