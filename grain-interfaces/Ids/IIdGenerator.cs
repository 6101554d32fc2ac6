namespace Chaos.Ids;

/// <summary>
/// Makes the 64-bit time-ordered snowflakes of docs/api.md#ids: milliseconds since 2026-01-01T00:00:00Z, a node id leased from the
/// cluster, and a per-millisecond counter. A newer object always has a larger id.
/// </summary>
public interface IIdGenerator
{
    long NextId();
}
