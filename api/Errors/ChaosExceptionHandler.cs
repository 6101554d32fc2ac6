using System.Text.Json;
using Chaos.Errors;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http.Features;

namespace Chaos.Api.Errors;

/// <summary>
/// Turns every exception into a problem with a stable code: refusals from grains keep theirs, malformed requests become
/// 400/413/415, cluster failover becomes 503 (retryable), and anything else is a 500 without internals.
/// </summary>
public sealed partial class ChaosExceptionHandler(ILogger<ChaosExceptionHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        // The middleware clears the endpoint before handlers run; its feature keeps the one that failed.
        var endpoint = httpContext.Features.Get<IExceptionHandlerFeature>()?.Endpoint ?? httpContext.GetEndpoint();
        var chaos = Translate(exception, endpoint?.Metadata.GetMetadata<Microsoft.AspNetCore.Http.Metadata.IAcceptsMetadata>()?.RequestType);
        if (chaos is null)
        {
            LogUnhandled(logger, exception, httpContext.Request.Method, httpContext.Request.Path);
            chaos = new ChaosException("internal_error", "An unexpected error occurred.");
        }

        var result = Problems.From(chaos, httpContext);
        if (chaos.Code == "internal_error")
        {
            result = TypedResults.Problem(detail: chaos.Message, statusCode: 500, title: "Internal error.", extensions: new Dictionary<string, object?> { ["code"] = "internal_error" });
        }

        httpContext.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();
        await result.ExecuteAsync(httpContext);
        return true;
    }

    /// <summary>What a <c>503 unavailable</c> tells the client to wait (<c>Retry-After</c>): about one failover step.</summary>
    public const double UnavailableRetryAfterSeconds = 1;

    public static ChaosException? Translate(Exception exception, Type? bodyType = null)
    {
        switch (exception)
        {
            case ChaosException chaos:
                return chaos;
            case BadHttpRequestException bad when bad.StatusCode == StatusCodes.Status413PayloadTooLarge:
                return new ChaosException(ErrorCodes.PayloadTooLarge, "The request body is too large.");
            case BadHttpRequestException bad when bad.StatusCode == StatusCodes.Status415UnsupportedMediaType:
                return new ChaosException(ErrorCodes.UnsupportedMedia, "The request body must be application/json.");
            case BadHttpRequestException bad:
                return bad.InnerException is JsonException badJson ? JsonFieldErrors.From(badJson, bodyType) : new ChaosException(ErrorCodes.ValidationFailed, "The request is malformed.");
            case JsonException json:
                return JsonFieldErrors.From(json, bodyType);
            case OperationCanceledException:
            case TimeoutException:
                return new ChaosException(ErrorCodes.Unavailable, "The cluster did not answer in time (busy or failing over); retry shortly.", null, null, UnavailableRetryAfterSeconds);
            case SiloUnavailableException:
            case OrleansMessageRejectionException:
            case Orleans.Runtime.Messaging.ConnectionFailedException:
                return new ChaosException(ErrorCodes.Unavailable, "The cluster is failing over; retry shortly.", null, null, UnavailableRetryAfterSeconds);
            default:
                return exception.InnerException is { } inner ? Translate(inner, bodyType) : null;
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Unhandled exception for {Method} {Path}")]
    private static partial void LogUnhandled(ILogger logger, Exception exception, string method, string path);
}
