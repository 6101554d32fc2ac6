using Chaos.Api.Errors;
using Chaos.Communities;
using Chaos.Gateway;
using Chaos.Messages;

namespace Chaos.Api.Gateway;

/// <summary>
/// Keeps each channel's <c>MessageCreated</c> events exactly once and in <c>seq</c> order on this front door, whatever the
/// live stream does (docs/architecture.md#front-door-gap-fill): a repeat is dropped, a gap is filled from the Channel
/// grain (its recent window, or storage for a longer gap) before the event that revealed it, and <see cref="CatchUpAsync"/> fills a tail that no later
/// event revealed (after a silo left or died, when the stream may have lost what was queued on it).
/// </summary>
public sealed partial class GatewayChannelSequencer(IGrainFactory grains, ILogger<GatewayChannelSequencer> logger)
{
    /// <summary>Messages fetched per page of a fill.</summary>
    public const int MaxFill = 200;

    /// <summary>Pages one fill asks for at most (<see cref="MaxFill"/> messages each).</summary>
    public const int MaxFillPages = 50;

    private readonly Lock gate = new();
    private readonly Dictionary<long, Track> tracks = [];
    private long filled;

    /// <summary>Messages this front door delivered from the Channel grain because the live stream had lost them.</summary>
    public long Filled => Interlocked.Read(ref filled);

    /// <summary>Channels being tracked (tests check nothing leaks).</summary>
    public int Count
    {
        get
        {
            lock (gate)
            {
                return tracks.Count;
            }
        }
    }

    /// <summary>
    /// Delivers one <c>MessageCreated</c> of a channel through <paramref name="deliver"/>, after whatever this front door
    /// missed before it; a seq already delivered is dropped.
    /// </summary>
    public async Task DeliverAsync(long channelId, GatewayEvent evt, Action<GatewayEvent> deliver)
    {
        ArgumentNullException.ThrowIfNull(evt);
        ArgumentNullException.ThrowIfNull(deliver);
        var seq = evt.Seq!.Value;
        var track = TrackOf(channelId);
        await track.Turn.WaitAsync();
        try
        {
            if (track.Last >= seq)
            {
                return;
            }

            if ((track.Last > 0 || track.Known) && seq > track.Last + 1)
            {
                await FillAsync(channelId, track, deliver, upTo: seq - 1);
            }

            deliver(evt);
            track.Last = seq;
        }
        finally
        {
            track.Turn.Release();
        }
    }

    /// <summary>
    /// Asks the channel for anything published after the last seq delivered here and delivers it; answers how many were
    /// missing (0 when the live stream had everything, or when nothing was ever delivered here for this channel).
    /// </summary>
    public async Task<int> CatchUpAsync(long channelId, Action<GatewayEvent> deliver)
    {
        Track? track;
        lock (gate)
        {
            track = tracks.GetValueOrDefault(channelId);
        }

        if (track is null)
        {
            return 0;
        }

        await track.Turn.WaitAsync();
        try
        {
            return track.Last > 0 || track.Known ? await FillAsync(channelId, track, deliver, upTo: long.MaxValue) : 0;
        }
        finally
        {
            track.Turn.Release();
        }
    }

    /// <summary>
    /// Where delivery of a channel starts on this door when it is known before its first event (the push relay's
    /// registration answers it): everything after <paramref name="publishedSeq"/> is delivered, a lost first event too.
    /// Ignored once the channel has delivered something.
    /// </summary>
    public async Task BeginAsync(long channelId, long publishedSeq)
    {
        var track = TrackOf(channelId);
        await track.Turn.WaitAsync();
        try
        {
            if (track.Last == 0 && !track.Known)
            {
                track.Last = publishedSeq;
                track.Known = true;
            }
        }
        finally
        {
            track.Turn.Release();
        }
    }

    /// <summary>The last seq delivered here for a channel (0 when none or not tracked).</summary>
    public long LastOf(long channelId)
    {
        lock (gate)
        {
            return tracks.GetValueOrDefault(channelId)?.Last ?? 0;
        }
    }

    /// <summary>Channels with a known last seq here (the ones <see cref="CatchUpAsync"/> can check).</summary>
    public IReadOnlyList<long> Channels()
    {
        lock (gate)
        {
            return [.. tracks.Keys];
        }
    }

    /// <summary>This front door stopped listening to the channel: a later subscription starts from its first event again.</summary>
    public void Forget(long channelId)
    {
        lock (gate)
        {
            tracks.Remove(channelId);
        }
    }

    private Track TrackOf(long channelId)
    {
        lock (gate)
        {
            if (!tracks.TryGetValue(channelId, out var track))
            {
                track = new Track();
                tracks[channelId] = track;
            }

            return track;
        }
    }

    private async Task<int> FillAsync(long channelId, Track track, Action<GatewayEvent> deliver, long upTo)
    {
        // Page by page (the grain answers from its window, or from storage for a door that fell further behind), up to
        // MaxFillPages: a gap longer than that is left to clients, which fill from history by seq.
        var count = 0;
        for (var page = 0; page < MaxFillPages && track.Last < upTo; page++)
        {
            IReadOnlyList<Message> missed;
            try
            {
                var after = track.Last;
                missed = await GrainCalls.RetryAsync(
                    () => grains.GetGrain<IChannelGrain>(channelId).GetPublishedAfterAsync(after, MaxFill), idempotent: true, CancellationToken.None);
            }
            catch (Exception exception)
            {
                // Clients still fill the gap from history by seq when they see it.
                LogFillFailed(logger, exception, channelId, track.Last);
                break;
            }

            var before = count;
            foreach (var message in missed)
            {
                if (message.Seq <= track.Last || message.Seq > upTo)
                {
                    continue;
                }

                deliver(new GatewayEvent(GatewayEvents.MessageCreated, message, message.Seq));
                track.Last = message.Seq;
                count++;
            }

            if (count == before || missed.Count < MaxFill)
            {
                break;
            }
        }

        if (count > 0)
        {
            Interlocked.Add(ref filled, count);
            LogFilled(logger, count, channelId, track.Last);
        }

        return count;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Delivered {Count} messages of channel {ChannelId} that the live stream had lost (now at seq {Seq})")]
    private static partial void LogFilled(ILogger logger, int count, long channelId, long seq);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Filling a gap of channel {ChannelId} after seq {Seq} failed; clients fill it from history")]
    private static partial void LogFillFailed(ILogger logger, Exception exception, long channelId, long seq);

    private sealed class Track
    {
        public SemaphoreSlim Turn { get; } = new(1, 1);

        public long Last { get; set; }

        /// <summary>The start is known (<see cref="BeginAsync"/>), so a gap is filled even before the first delivery.</summary>
        public bool Known { get; set; }
    }
}
