namespace Chaos.Voice;

/// <summary>
/// Puts one speaker's frames back in order. Orleans does not promise message order between silos (two silos may talk
/// over two connections), so every hop of the media path numbers the frames it forwards without gaps — the front door
/// per connection, the room per participant — and the next hop releases them in that order. A missing number is a frame
/// still in flight; after <see cref="MaxPending"/> later frames it counts as lost and is skipped. An epoch (new stream
/// or new room activation) restarts the numbering. Not thread-safe: one owner at a time.
/// </summary>
public sealed class FrameSequencer<T>
{
    /// <summary>
    /// Frames held back waiting for a gap to fill before the gap counts as a loss. At least a whole allowed burst
    /// (<c>VoiceRules.FrameBurst</c>): measured on a loaded machine, a relay received a 50-frame burst with its first 24
    /// frames behind the last 26, and with 25 here those 24 were given up although they arrived. Real losses (a failing
    /// silo) end by <see cref="FlushStale"/> instead.
    /// </summary>
    public const int MaxPending = 64;

    private readonly SortedDictionary<long, T> pending = [];
    private long epoch;
    private long next;
    private long pendingSince;
    private bool started;

    /// <summary>
    /// Feeds one frame and hands every frame that is now in order to <paramref name="deliver"/>; returns how many frames
    /// were given up as lost by this call (a gap skipped because too many later frames waited behind it).
    /// </summary>
    public int Push<TState>(long frameEpoch, long index, T item, TState state, Action<TState, T> deliver)
    {
        ArgumentNullException.ThrowIfNull(deliver);
        if (!started || frameEpoch != epoch)
        {
            // A stream that starts here starts at 1; one joined midway starts wherever it is.
            started = true;
            epoch = frameEpoch;
            next = index <= MaxPending ? 1 : index;
            pending.Clear();
        }

        if (index < next)
        {
            // A repeat, or a frame of a gap already given up (counted then).
            return 0;
        }

        if (index == next)
        {
            deliver(state, item);
            next++;
        }
        else
        {
            if (pending.Count == 0)
            {
                pendingSince = Environment.TickCount64;
            }

            pending.TryAdd(index, item);
            if (pending.Count <= MaxPending)
            {
                return 0;
            }

            return Skip(state, deliver);
        }

        Drain(state, deliver);
        return 0;
    }

    /// <summary>
    /// Gives up on a gap older than <paramref name="maxAgeMilliseconds"/> (a lost frame) and releases what waited;
    /// returns how many frames were given up.
    /// </summary>
    public int FlushStale<TState>(long maxAgeMilliseconds, TState state, Action<TState, T> deliver)
    {
        ArgumentNullException.ThrowIfNull(deliver);
        return pending.Count > 0 && Environment.TickCount64 - pendingSince > maxAgeMilliseconds ? Skip(state, deliver) : 0;
    }

    private int Skip<TState>(TState state, Action<TState, T> deliver)
    {
        var first = pending.Keys.First();
        var lost = (int)Math.Min(int.MaxValue, first - next);
        next = first;
        Drain(state, deliver);
        return lost;
    }

    private void Drain<TState>(TState state, Action<TState, T> deliver)
    {
        while (pending.Remove(next, out var held))
        {
            deliver(state, held);
            next++;
        }

        if (pending.Count > 0)
        {
            pendingSince = Environment.TickCount64;
        }
    }
}
