using Chaos.Api.Errors;
using Chaos.Errors;
using Microsoft.AspNetCore.SignalR;

namespace Chaos.Api.Gateway;

/// <summary>
/// Hub calls fail with <c>"{code}: {detail}"</c> (the REST problem's code), never an internal message; a connection
/// that keeps sending invalid calls is disconnected so it cannot burn the server's time.
/// </summary>
public sealed partial class ChaosHubFilter(GatewayDrain drain, ILogger<ChaosHubFilter> logger) : IHubFilter
{
    private const int MaxConsecutiveFailures = 50;
    private const string FailuresKey = "chaos.failures";

    public async ValueTask<object?> InvokeMethodAsync(HubInvocationContext invocationContext, Func<HubInvocationContext, ValueTask<object?>> next)
    {
        var items = invocationContext.Context.Items;
        try
        {
            // Sends are counted until acknowledged: a front door that shuts down waits for them.
            var result = invocationContext.HubMethodName == nameof(GatewayHub.SendMessage)
                ? await drain.TrackAsync(() => next(invocationContext))
                : await next(invocationContext);
            items[FailuresKey] = 0;
            return result;
        }
        catch (Exception exception) when (exception is not HubException)
        {
            var failures = (items.TryGetValue(FailuresKey, out var value) && value is int n ? n : 0) + 1;
            items[FailuresKey] = failures;
            if (failures >= MaxConsecutiveFailures)
            {
                invocationContext.Context.Abort();
            }

            var chaos = ChaosExceptionHandler.Translate(exception);
            if (chaos is null)
            {
                LogUnhandled(logger, exception, invocationContext.HubMethodName);
                throw new HubException("internal_error: An unexpected error occurred.");
            }

            throw new HubException($"{chaos.Code}: {chaos.Message}");
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Hub method {Method} failed")]
    private static partial void LogUnhandled(ILogger logger, Exception exception, string method);
}
