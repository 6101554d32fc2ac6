using Microsoft.Extensions.Logging;
using Npgsql;

namespace Chaos.Errors;

/// <summary>
/// A grain call that fails because PostgreSQL refused or dropped it for a passing reason (Npgsql's
/// <see cref="NpgsqlException.IsTransient"/>: a full connection pool, "too many clients", a broken connection, a timeout)
/// answers <c>unavailable</c> — retry later — instead of an internal error; a failure that is a bug stays one. Npgsql's
/// exceptions cannot cross silos (Orleans has no codec for them), so without this a caller on another silo got an
/// unserialisable response and an <c>internal_error</c>. Calls that succeed pass through without an extra async frame.
/// </summary>
internal sealed partial class StorageFailureCallFilter(ILogger<StorageFailureCallFilter> logger) : IIncomingGrainCallFilter
{
    public Task Invoke(IIncomingGrainCallContext context)
    {
        var call = context.Invoke();
        return call.IsCompletedSuccessfully ? call : MapAsync(call, context);
    }

    private async Task MapAsync(Task call, IIncomingGrainCallContext context)
    {
        try
        {
            await call;
        }
        catch (NpgsqlException exception) when (exception.IsTransient)
        {
            LogStorageFailure(logger, exception, context.InterfaceName, context.MethodName);
            throw new ChaosException(ErrorCodes.Unavailable, "Storage is unavailable right now; retry.", null, null, 1);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Grain call {Interface}.{Method} failed on storage; answered unavailable")]
    private static partial void LogStorageFailure(ILogger logger, Exception exception, string @interface, string method);
}
