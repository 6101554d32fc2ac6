namespace Chaos.Api.Errors;

/// <summary>
/// Retries grain calls through a silo failover (docs/architecture.md#failover: 6–8 s after a kill, callers see rejections). Only
/// failures where the call provably never ran are retried unless the caller says the operation is idempotent.
/// </summary>
public static class GrainCalls
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);

    public static async Task<T> RetryAsync<T>(Func<Task<T>> call, bool idempotent, CancellationToken cancellationToken)
    {
        var started = DateTime.UtcNow;
        var delay = TimeSpan.FromMilliseconds(100);
        while (true)
        {
            try
            {
                return await call();
            }
            catch (Exception exception) when (IsTransient(exception, idempotent) && DateTime.UtcNow - started < Deadline && !cancellationToken.IsCancellationRequested)
            {
                await Task.Delay(delay, cancellationToken);
                delay = TimeSpan.FromMilliseconds(Math.Min(delay.TotalMilliseconds * 2, 1000));
            }
        }
    }

    public static async Task RetryAsync(Func<Task> call, bool idempotent, CancellationToken cancellationToken) =>
        await RetryAsync(async () => { await call(); return true; }, idempotent, cancellationToken);

    private static bool IsTransient(Exception exception, bool idempotent) => exception switch
    {
        SiloUnavailableException or OrleansMessageRejectionException or Orleans.Runtime.Messaging.ConnectionFailedException => true,
        TimeoutException => idempotent,
        _ => false,
    };
}
