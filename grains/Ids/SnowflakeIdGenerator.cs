namespace Chaos.Ids;

/// <summary>
/// Thread-safe snowflake source. When the clock stands still past 4,096 ids in a millisecond, or steps backwards, it
/// borrows the next millisecond instead of waiting, so ids keep increasing and no caller (a grain) ever blocks.
/// </summary>
public sealed class SnowflakeIdGenerator(TimeProvider time) : IIdGenerator
{
    private readonly Lock gate = new();
    private long lastMilliseconds = -1;
    private int sequence;
    private int node = -1;

    public bool HasNode => Volatile.Read(ref node) >= 0;

    public void SetNode(int nodeId)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(nodeId);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(nodeId, Snowflake.MaxNode);
        Volatile.Write(ref node, nodeId);
    }

    public long NextId()
    {
        var nodeId = Volatile.Read(ref node);
        if (nodeId < 0)
        {
            throw new InvalidOperationException("No node id has been leased yet.");
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
}
