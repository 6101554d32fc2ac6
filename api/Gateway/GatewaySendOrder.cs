using Chaos.Gateway;
using Microsoft.AspNetCore.SignalR;

namespace Chaos.Api.Gateway;

/// <summary>
/// A person's messages are accepted in the order they were sent through any front door, in any cluster shape
/// (docs/architecture.md#sender-order), without making a connection wait for one acknowledgement before its next send.
/// A connection may pipeline hub calls (<see cref="GatewayServiceExtensions.MaxParallelInvocations"/>), and neither the
/// awaits on the way to the grain (rate limiting) nor Orleans between two silos keep their order. So each
/// <c>SendMessage</c> takes its turn when SignalR reads it, and right before its grain call the hub stamps it
/// (<see cref="StampAsync"/>), in turn order, with a rising number and the number of the connection's previous send to
/// the same channel if that one is still unanswered; the Channel grain admits it only after that one
/// (<see cref="SendOrderStamp"/>). Many sends stay in flight; only the stamping is in line.
/// </summary>
public sealed class GatewaySendOrder : IHubFilter
{
    private const string OrderKey = "chaos.sendOrder";

    private static readonly AsyncLocal<SendTurn?> CurrentTurn = new();

    public async ValueTask<object?> InvokeMethodAsync(HubInvocationContext invocationContext, Func<HubInvocationContext, ValueTask<object?>> next)
    {
        ArgumentNullException.ThrowIfNull(invocationContext);
        ArgumentNullException.ThrowIfNull(next);
        if (invocationContext.HubMethodName != nameof(GatewayHub.SendMessage))
        {
            return await next(invocationContext);
        }

        // SignalR starts a connection's invocations one after the other, in the order it read them, and runs each up to its
        // first await before reading the next: the turn is taken here, synchronously, in that order.
        var context = invocationContext.Context;
        var order = context.Items.TryGetValue(OrderKey, out var value) && value is ConnectionOrder known
            ? known
            : (ConnectionOrder)(context.Items[OrderKey] = new ConnectionOrder(context.ConnectionId));
        var turn = order.TakeTurn();
        CurrentTurn.Value = turn;
        try
        {
            return await next(invocationContext);
        }
        finally
        {
            turn.Finish();
        }
    }

    /// <summary>
    /// The stamp for the current <c>SendMessage</c>'s grain call to <paramref name="channelId"/>: waits until the
    /// connection's previous send was stamped (or ended without a grain call), so numbers follow the order sent. Null
    /// outside a hub send.
    /// </summary>
    public static ValueTask<SendOrderStamp?> StampAsync(long channelId) =>
        CurrentTurn.Value is { } turn ? turn.StampAsync(channelId) : ValueTask.FromResult<SendOrderStamp?>(null);

    /// <summary>One connection's numbering: its turns and its unanswered sends by channel (at most the parallel calls).</summary>
    private sealed class ConnectionOrder(string line)
    {
        private readonly Lock gate = new();
        private readonly Dictionary<long, SendTurn> unanswered = [];
        private Task lastStamped = Task.CompletedTask;
        private long number;

        public SendTurn TakeTurn()
        {
            lock (gate)
            {
                var turn = new SendTurn(this, lastStamped);
                lastStamped = turn.Stamped;
                return turn;
            }
        }

        public SendOrderStamp Stamp(SendTurn turn, long channelId)
        {
            lock (gate)
            {
                var after = unanswered.TryGetValue(channelId, out var previous) ? previous.Number : 0;
                turn.Number = ++number;
                turn.ChannelId = channelId;
                unanswered[channelId] = turn;
                return new SendOrderStamp(line, turn.Number, after);
            }
        }

        public void Answered(SendTurn turn)
        {
            lock (gate)
            {
                if (turn.ChannelId is { } channelId && unanswered.TryGetValue(channelId, out var current) && current == turn)
                {
                    unanswered.Remove(channelId);
                }
            }
        }
    }

    private sealed class SendTurn(ConnectionOrder order, Task previousStamped)
    {
        private readonly TaskCompletionSource stamped = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task Stamped => stamped.Task;

        public long Number { get; set; }

        public long? ChannelId { get; set; }

        public async ValueTask<SendOrderStamp?> StampAsync(long channelId)
        {
            if (ChannelId is not null)
            {
                throw new InvalidOperationException("A send is stamped once.");
            }

            await previousStamped;
            var stamp = order.Stamp(this, channelId);
            stamped.TrySetResult();
            return stamp;
        }

        /// <summary>Answered, refused or failed before its grain call: the next turn may stamp, and nothing waits for this one.</summary>
        public void Finish()
        {
            order.Answered(this);
            stamped.TrySetResult();
        }
    }
}
