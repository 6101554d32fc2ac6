using Chaos.Communities;

namespace Chaos.Telemetry;

/// <summary>
/// Counts the channel grain's sends as they end (<see cref="MessageSendMetrics"/>); every other call passes straight
/// through without an extra async frame.
/// </summary>
internal sealed class MessageSendCallFilter(MessageSendMetrics metrics) : IIncomingGrainCallFilter
{
    public Task Invoke(IIncomingGrainCallContext context) =>
        context.InterfaceMethod is { Name: nameof(IChannelGrain.SendMessageAsync) or nameof(IChannelGrain.SendVoiceMessageAsync) } method
        && method.DeclaringType == typeof(IChannelGrain)
            ? CountAsync(context)
            : context.Invoke();

    private async Task CountAsync(IIncomingGrainCallContext context)
    {
        try
        {
            await context.Invoke();
        }
        catch (Exception exception)
        {
            metrics.Rejected(exception);
            throw;
        }

        metrics.Accepted();
    }
}
