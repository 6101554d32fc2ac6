namespace Chaos.Tests.Client;

/// <summary>A clock that only moves when a test moves it; every timer it hands out fires then, in due order.</summary>
internal sealed class ManualClock : TimeProvider
{
    private readonly Lock gate = new();
    private readonly List<ManualTimer> timers = [];
    private readonly List<TimeSpan> scheduled = [];
    private DateTimeOffset now = new(2026, 12, 3, 0, 0, 0, TimeSpan.Zero);

    /// <summary>Every wait anything asked for, in order (what a backoff schedule looks like from outside).</summary>
    public IReadOnlyList<TimeSpan> Scheduled
    {
        get
        {
            lock (gate)
            {
                return [.. scheduled];
            }
        }
    }

    /// <summary>The waits now pending, as asked for.</summary>
    public IReadOnlyList<TimeSpan> Pending
    {
        get
        {
            lock (gate)
            {
                return [.. timers.Select(t => t.Asked)];
            }
        }
    }

    public override DateTimeOffset GetUtcNow()
    {
        lock (gate)
        {
            return now;
        }
    }

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = new ManualTimer(this, callback, state);
        timer.Change(dueTime, period);
        return timer;
    }

    /// <summary>Moves the clock on and fires what fell due (one-shot: periods are not used by the code under test).</summary>
    public void Advance(TimeSpan by)
    {
        List<ManualTimer> due;
        lock (gate)
        {
            now += by;
            due = [.. timers.Where(t => t.Due <= now).OrderBy(t => t.Due)];
            foreach (var timer in due)
            {
                timers.Remove(timer);
            }
        }

        foreach (var timer in due)
        {
            timer.Fire();
        }
    }

    private void Schedule(ManualTimer timer, TimeSpan dueTime)
    {
        lock (gate)
        {
            timers.Remove(timer);
            if (dueTime != Timeout.InfiniteTimeSpan)
            {
                timer.Asked = dueTime;
                timer.Due = now + dueTime;
                timers.Add(timer);
                scheduled.Add(dueTime);
            }
        }
    }

    private sealed class ManualTimer(ManualClock clock, TimerCallback callback, object? state) : ITimer
    {
        public DateTimeOffset Due { get; set; }

        public TimeSpan Asked { get; set; }

        public bool Change(TimeSpan dueTime, TimeSpan period)
        {
            clock.Schedule(this, dueTime);
            return true;
        }

        public void Fire() => callback(state);

        public void Dispose() => clock.Schedule(this, Timeout.InfiniteTimeSpan);

        public ValueTask DisposeAsync()
        {
            Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
