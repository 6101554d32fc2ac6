using Chaos.Gateway;
using Chaos.Messages;
using Microsoft.Extensions.Logging;

namespace Chaos.Communities;

/// <summary>
/// Each connection's own order for pipelined sends (docs/architecture.md#sender-order). A front door stamps a hub send
/// with its connection's line, a rising number and the number of the connection's previous send to this channel that
/// was still unanswered (<see cref="SendOrderStamp"/>). A send whose predecessor has not taken its place in line here
/// yet waits for it (Orleans may deliver two calls of one connection in either order) — at most
/// <see cref="SendOrderGap"/>, so a predecessor lost on the way (a silo that died) holds the line up only that long.
/// Lines are memory only: a connection idle for <see cref="SendLineIdle"/> is forgotten.
/// </summary>
internal sealed partial class ChannelGrain
{
    private static readonly TimeSpan SendOrderGap = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan SendLineIdle = TimeSpan.FromMinutes(2);

    private readonly Dictionary<string, SendLine> sendLines = [];
    private DateTimeOffset sendLinesSwept;

    /// <summary>
    /// Runs <paramref name="admit"/> (which takes the send's place in line synchronously, or throws) once the stamped
    /// predecessor, if any, has taken its own; unstamped sends (REST, the SDK's own calls) go at once.
    /// </summary>
    private Task<Message> InSenderOrder(Func<Task<Message>> admit)
    {
        if (SendOrderStamp.Current is not { } stamp)
        {
            return admit();
        }

        var now = time.GetUtcNow();
        SweepSendLines(now);
        if (!sendLines.TryGetValue(stamp.Line, out var line))
        {
            line = new SendLine();
            sendLines[stamp.Line] = line;
        }

        line.UsedAt = now;
        return stamp.After == 0 || line.Admitted >= stamp.After ? Admit(line, stamp.Number, admit) : WaitThenAdmitAsync(line, stamp, admit);
    }

    private async Task<Message> WaitThenAdmitAsync(SendLine line, SendOrderStamp stamp, Func<Task<Message>> admit)
    {
        var waiter = new SendWaiter(stamp.After);
        line.Waiters.Add(waiter);
        try
        {
            await waiter.Ready.Task.WaitAsync(SendOrderGap, time);
        }
        catch (TimeoutException)
        {
            LogSendOrderGap(logger, ChannelId, stamp.Number, stamp.After);
        }
        finally
        {
            line.Waiters.Remove(waiter);
        }

        line.UsedAt = time.GetUtcNow();
        return await Admit(line, stamp.Number, admit);
    }

    /// <summary>Takes the send's place (or fails it) and lets whatever waited for it go, even when its checks threw.</summary>
    private Task<Message> Admit(SendLine line, long number, Func<Task<Message>> admit)
    {
        try
        {
            return admit();
        }
        finally
        {
            line.Admitted = Math.Max(line.Admitted, number);
            foreach (var waiter in line.Waiters)
            {
                if (waiter.After <= line.Admitted)
                {
                    waiter.Ready.TrySetResult();
                }
            }
        }
    }

    private void SweepSendLines(DateTimeOffset now)
    {
        if (now - sendLinesSwept < SendLineIdle / 4)
        {
            return;
        }

        sendLinesSwept = now;
        foreach (var (key, line) in sendLines.ToList())
        {
            if (line.Waiters.Count == 0 && now - line.UsedAt > SendLineIdle)
            {
                sendLines.Remove(key);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Channel {ChannelId}: send {Number} waited in vain for its connection's send {After}; admitted without it")]
    private static partial void LogSendOrderGap(ILogger logger, long channelId, long number, long after);

    private sealed class SendLine
    {
        /// <summary>The highest number of this connection that has taken its place in line (or failed its checks).</summary>
        public long Admitted { get; set; }

        public DateTimeOffset UsedAt { get; set; }

        public List<SendWaiter> Waiters { get; } = [];
    }

    private sealed class SendWaiter(long after)
    {
        public long After { get; } = after;

        public TaskCompletionSource Ready { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
