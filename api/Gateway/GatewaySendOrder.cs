using Microsoft.AspNetCore.SignalR;

namespace Chaos.Api.Gateway;

/// <summary>
/// A person's messages are accepted in the order they were sent through any front door, in any cluster shape
/// (docs/architecture.md#sender-order). A connection may pipeline hub calls (<see cref="GatewayServiceExtensions.MaxParallelInvocations"/>),
/// and neither the awaits on the way to the grain (rate limiting) nor Orleans between two silos keep their order, so
/// each <c>SendMessage</c> of a connection takes its place in line when SignalR reads it and reaches the Channel grain
/// only once the connection's previous send has been answered (acknowledged or refused).
/// </summary>
public sealed class GatewaySendOrder : IHubFilter
{
    private const string LineKey = "chaos.sendLine";

    public async ValueTask<object?> InvokeMethodAsync(HubInvocationContext invocationContext, Func<HubInvocationContext, ValueTask<object?>> next)
    {
        ArgumentNullException.ThrowIfNull(invocationContext);
        ArgumentNullException.ThrowIfNull(next);
        if (invocationContext.HubMethodName != nameof(GatewayHub.SendMessage))
        {
            return await next(invocationContext);
        }

        // SignalR starts a connection's invocations one after the other, in the order it read them, and runs each up to its
        // first await before reading the next: the place in line is taken here, synchronously, in that order.
        var items = invocationContext.Context.Items;
        var previous = items.TryGetValue(LineKey, out var value) && value is Task line ? line : Task.CompletedTask;
        var answered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        items[LineKey] = answered.Task;
        try
        {
            await previous;
            return await next(invocationContext);
        }
        finally
        {
            answered.TrySetResult();
        }
    }
}
