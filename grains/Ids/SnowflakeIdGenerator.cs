using Chaos.Errors;

namespace Chaos.Ids;

/// <summary>
/// Thread-safe snowflake source. When the clock stands still past 4,096 ids in a millisecond, or steps backwards, it
/// borrows the next millisecond instead of waiting, so ids keep increasing and no caller (a grain) ever blocks. With a
/// leased node id it stops issuing ids once the lease may have run out: another process may hold the node by then, and a
/// refused send (503, retried) is better than a duplicate id (docs/architecture.md#ids).
/// </summary>
public sealed class SnowflakeIdGenerator(TimeProvider time) : IIdGenerator
{
    private readonly Lock gate = new();
    private long lastMilliseconds = -1;
    private int sequence;
    private int node = -1;

    // Monotonic timestamp (TimeProvider.GetTimestamp) after which the node id may belong to someone else.
    private long validUntil = long.MaxValue;

    public bool HasNode => Volatile.Read(ref node) >= 0;

    /// <summary>A node id that is this process's for good (standalone mode: no other process exists).</summary>
    public void SetNode(int nodeId)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(nodeId);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(nodeId, Snowflake.MaxNode);
        Volatile.Write(ref validUntil, long.MaxValue);
        Volatile.Write(ref node, nodeId);
    }

    /// <summary>
    /// A node id leased until <paramref name="leaseDuration"/> after <paramref name="requestedAt"/> (a timestamp taken
    /// before the lease was asked for, so the real lease never ends before ours).
    /// </summary>
    public void SetLeasedNode(int nodeId, long requestedAt, TimeSpan leaseDuration)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(nodeId);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(nodeId, Snowflake.MaxNode);
        Volatile.Write(ref validUntil, Deadline(requestedAt, leaseDuration));
        Volatile.Write(ref node, nodeId);
    }

    /// <summary>The lease on the current node id was renewed by a request started at <paramref name="requestedAt"/>.</summary>
    public void ExtendLease(long requestedAt, TimeSpan leaseDuration) => Volatile.Write(ref validUntil, Deadline(requestedAt, leaseDuration));

    public long NextId()
    {
        var nodeId = Volatile.Read(ref node);
        if (nodeId < 0)
        {
            throw new InvalidOperationException("No node id has been leased yet.");
        }

        if (time.GetTimestamp() >= Volatile.Read(ref validUntil))
        {
            throw new ChaosException(ErrorCodes.Unavailable, "This server's id lease has expired and is being renewed; retry shortly.");
        }

        var now = (long)(time.GetUtcNow() - Snowflake.Epoch).TotalMilliseconds;
        lock (gate)
        {
            if (now > lastMilliseconds)
            {
                lastMilliseconds = now;
                sequence = 0;
            }
            else if (++sequence > Snowflake.MaxSequence)
            {
                lastMilliseconds++;
                sequence = 0;
            }

            return Snowflake.Compose(lastMilliseconds, nodeId, sequence);
        }
    }

    private long Deadline(long requestedAt, TimeSpan leaseDuration) =>
        requestedAt + (long)((leaseDuration - LeaseSafetyMargin).TotalSeconds * time.TimestampFrequency);

    /// <summary>Room for the two clocks' rates to differ over one lease.</summary>
    private static readonly TimeSpan LeaseSafetyMargin = TimeSpan.FromSeconds(5);
}
