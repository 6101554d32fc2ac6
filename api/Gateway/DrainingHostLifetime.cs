using System.Runtime.InteropServices;

namespace Chaos.Api.Gateway;

/// <summary>
/// The front door's host lifetime (in place of the console lifetime): SIGTERM, SIGINT or SIGQUIT first drains the gateway
/// (<see cref="GatewayDrain"/>), asynchronously, and only then stops the application (docs/operations.md#graceful-shutdown).
/// Stopping the application first would let SignalR close every connection from its own <c>ApplicationStopping</c>
/// callback before any of them heard <c>Reconnect</c>. A second signal during the drain stops at once.
/// </summary>
public sealed partial class DrainingHostLifetime(
    IHostApplicationLifetime lifetime,
    IServiceProvider services,
    ILogger<DrainingHostLifetime> logger) : IHostLifetime, IDisposable
{
    private readonly Lock gate = new();
    private PosixSignalRegistration[] registrations = [];
    private bool signalled;

    public Task WaitForStartAsync(CancellationToken cancellationToken)
    {
        registrations =
        [
            PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal),
            PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal),
            PosixSignalRegistration.Create(PosixSignal.SIGQUIT, OnSignal),
        ];
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public void Dispose()
    {
        foreach (var registration in registrations)
        {
            registration.Dispose();
        }
    }

    private void OnSignal(PosixSignalContext context)
    {
        // The process does not end here: the application stops once drained.
        context.Cancel = true;
        bool again;
        lock (gate)
        {
            again = signalled;
            signalled = true;
        }

        if (again)
        {
            LogStoppingNow(logger, context.Signal);
            lifetime.StopApplication();
            return;
        }

        LogSignal(logger, context.Signal);
        _ = DrainThenStopAsync();
    }

    private async Task DrainThenStopAsync()
    {
        try
        {
            // Resolved here, not in the constructor: the host builds its lifetime before the gateway's services.
            await services.GetRequiredService<GatewayDrain>().DrainAsync();
        }
        catch (Exception exception)
        {
            LogDrainFailed(logger, exception);
        }
        finally
        {
            lifetime.StopApplication();
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "{Signal} received: draining the gateway, then stopping")]
    private static partial void LogSignal(ILogger logger, PosixSignal signal);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Signal} received during the drain: stopping now")]
    private static partial void LogStoppingNow(ILogger logger, PosixSignal signal);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Draining the gateway failed; stopping anyway")]
    private static partial void LogDrainFailed(ILogger logger, Exception exception);
}
