using Chaos.Client.Errors;
using Chaos.Client.Messages;

namespace Chaos.Client.Gateway;

/// <summary>
/// Keeps every channel's messages whole: owns the newest <c>seq</c> seen per channel, drops repeats, and fetches from
/// history what a <c>seq</c> jump or a fresh connection skipped, raising each missed message once and in order.
/// A fill that fails while history is unavailable is tried again (<see cref="ChaosGatewayOptions.GapFillTimeout"/>).
/// </summary>
internal sealed class GatewayGapFiller(
    ChaosGatewayOptions options,
    Func<string, string, int, Task<IReadOnlyList<Message>>> fetchAfter,
    Func<Message, Task> raise,
    Action<string, Exception> fillFailed,
    TimeProvider? time = null)
{
    private const int Page = 100;

    private readonly SequenceTracker tracker = new();
    private readonly TimeProvider time = time ?? TimeProvider.System;
    private long filledFromHistory;

    /// <summary>How many messages were raised from history rather than live.</summary>
    public long FilledFromHistory => Interlocked.Read(ref filledFromHistory);

    public void Track(string channelId, long seq, string messageId) => tracker.Advance(channelId, seq, messageId);

    /// <summary>The channel is gone: a later message with a low <c>seq</c> is not a repeat.</summary>
    public void Forget(string channelId) => tracker.Forget(channelId);

    /// <summary>A live <c>MessageCreated</c>: drops a repeat, fills a <c>seq</c> jump from history first, then raises it.</summary>
    public async Task OnMessageCreatedAsync(Message message)
    {
        if (tracker.TryGet(message.ChannelId, out var seq, out var lastId))
        {
            if (message.Seq <= seq)
            {
                return;
            }

            if (message.Seq > seq + 1 && options.FillGaps)
            {
                await FillWithRetriesAsync(message.ChannelId, message.Seq - 1);
                tracker.TryGet(message.ChannelId, out seq, out _);
                if (message.Seq <= seq)
                {
                    return;
                }
            }
        }

        tracker.Advance(message);
        await raise(message);
    }

    /// <summary>After a fresh connection: events between the old one's end and now were never sent. History has them.</summary>
    public async Task FillAllAsync()
    {
        foreach (var channelId in tracker.Channels())
        {
            await FillWithRetriesAsync(channelId, untilSeq: null);
        }
    }

    /// <summary>
    /// Fills a channel's gap from history, trying again while history is unavailable (its front door restarting, a
    /// failover) for up to <see cref="ChaosGatewayOptions.GapFillTimeout"/>: raising the next message first would leave the
    /// gap unfilled for good. Events wait meanwhile, so order holds. A refusal (access lost) is final at once.
    /// </summary>
    private async Task FillWithRetriesAsync(string channelId, long? untilSeq)
    {
        var deadline = time.GetUtcNow() + options.GapFillTimeout;
        for (var attempt = 1; ; attempt++)
        {
            if (!tracker.TryGet(channelId, out var seq, out var lastId) || (untilSeq is { } until && seq >= until))
            {
                return;
            }

            var failure = await FillAsync(channelId, seq, lastId, untilSeq);
            if (failure is null)
            {
                return;
            }

            if (time.GetUtcNow() >= deadline || failure is ChaosApiException { Status: < System.Net.HttpStatusCode.InternalServerError and not System.Net.HttpStatusCode.TooManyRequests })
            {
                fillFailed(channelId, failure);
                return;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(Math.Min(1000, 100 * attempt)), time);
        }
    }

    /// <summary>Raises the messages after <paramref name="seq"/> from history; answers the failure that stopped it, if any.</summary>
    private async Task<Exception?> FillAsync(string channelId, long seq, string lastId, long? untilSeq)
    {
        var filled = 0;
        try
        {
            while (filled < options.MaxGapFill)
            {
                var messages = await fetchAfter(channelId, lastId, Page);
                foreach (var message in messages.OrderBy(m => m.Seq))
                {
                    if (message.Seq <= seq)
                    {
                        continue;
                    }

                    if (untilSeq is { } until && message.Seq > until)
                    {
                        return null;
                    }

                    tracker.Advance(message);
                    seq = message.Seq;
                    lastId = message.Id;
                    filled++;
                    Interlocked.Increment(ref filledFromHistory);
                    await raise(message);
                }

                if (messages.Count < Page || (untilSeq is { } last && seq >= last))
                {
                    return null;
                }
            }
        }
        catch (Exception exception)
        {
            return exception;
        }

        return null;
    }
}
