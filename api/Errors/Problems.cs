using System.Globalization;
using Chaos.Errors;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Chaos.Api.Errors;

/// <summary>RFC 9457 problem details with the stable <c>code</c> of docs/api.md#errors, the only shape an error ever takes.</summary>
public static class Problems
{
    public static string TitleOf(string code) => code switch
    {
        ErrorCodes.ValidationFailed => "The request is not valid.",
        ErrorCodes.InvalidCredentials => "Invalid credentials.",
        ErrorCodes.Unauthorized => "Authentication is required.",
        ErrorCodes.Forbidden => "This action is not allowed.",
        ErrorCodes.MissingPermission => "A permission is missing.",
        ErrorCodes.NotFound => "Not found.",
        ErrorCodes.NotAMember => "Not a member.",
        ErrorCodes.Banned => "Banned.",
        ErrorCodes.Conflict => "Conflict.",
        ErrorCodes.UsernameTaken => "Username taken.",
        ErrorCodes.InviteInvalid => "Invalid invite.",
        ErrorCodes.PayloadTooLarge => "Payload too large.",
        ErrorCodes.RateLimited => "Rate limited.",
        ErrorCodes.UnsupportedMedia => "Unsupported media type.",
        ErrorCodes.Unavailable => "Temporarily unavailable.",
        ErrorCodes.AiUnavailable => "AI assistance is unavailable.",
        ErrorCodes.MethodNotAllowed => "Method not allowed.",
        _ => "Error.",
    };

    public static string CodeOfStatus(int status) => status switch
    {
        400 => ErrorCodes.ValidationFailed,
        401 => ErrorCodes.Unauthorized,
        403 => ErrorCodes.Forbidden,
        404 => ErrorCodes.NotFound,
        405 => ErrorCodes.MethodNotAllowed,
        409 => ErrorCodes.Conflict,
        413 => ErrorCodes.PayloadTooLarge,
        415 => ErrorCodes.UnsupportedMedia,
        429 => ErrorCodes.RateLimited,
        503 => ErrorCodes.Unavailable,
        _ => status >= 500 ? "internal_error" : ErrorCodes.ValidationFailed,
    };

    public static ProblemHttpResult From(ChaosException exception, HttpContext? context = null)
    {
        var extensions = new Dictionary<string, object?> { ["code"] = exception.Code };
        if (exception.Permission is not null)
        {
            extensions["permission"] = exception.Permission;
        }

        if (exception.Errors is not null)
        {
            extensions["errors"] = exception.Errors;
        }

        // Every 503 unavailable is retryable (docs/api.md#errors): it says when, even where the refusal named no time.
        if ((exception.RetryAfterSeconds ?? (exception.Code == ErrorCodes.Unavailable ? ChaosExceptionHandler.UnavailableRetryAfterSeconds : null)) is { } retryAfter && context is not null)
        {
            context.Response.Headers.RetryAfter = Math.Ceiling(retryAfter).ToString(CultureInfo.InvariantCulture);
            if (exception.Code == ErrorCodes.RateLimited && !context.Response.Headers.ContainsKey("X-RateLimit-Scope"))
            {
                // Not a per-user or per-address bucket: the process itself is at its bound (e.g. password hashing).
                context.Response.Headers["X-RateLimit-Scope"] = "global";
            }
        }

        return TypedResults.Problem(
            detail: exception.Message,
            statusCode: ErrorCodes.StatusOf(exception.Code),
            title: TitleOf(exception.Code),
            extensions: extensions);
    }

    public static ProblemHttpResult Validation(Dictionary<string, string[]> errors) =>
        From(new ChaosException(ErrorCodes.ValidationFailed, "One or more fields are not valid.", null, errors, null));
}
