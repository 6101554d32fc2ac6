using System.Net;

namespace Chaos.Client.Errors;

/// <summary>The stable error codes of docs/api.md#errors, and the status each one comes with.</summary>
public static class ErrorCodes
{
    public const string ValidationFailed = "validation_failed";
    public const string InvalidCredentials = "invalid_credentials";
    public const string Unauthorized = "unauthorized";
    public const string Forbidden = "forbidden";
    public const string MissingPermission = "missing_permission";
    public const string NotFound = "not_found";
    public const string NotAMember = "not_a_member";
    public const string Banned = "banned";
    public const string Conflict = "conflict";
    public const string UsernameTaken = "username_taken";
    public const string InviteInvalid = "invite_invalid";
    public const string PayloadTooLarge = "payload_too_large";
    public const string RateLimited = "rate_limited";
    public const string UnsupportedMedia = "unsupported_media";
    public const string Unavailable = "unavailable";

    /// <summary>The server answered something that is not a CHAOS problem (a proxy page, a hub method this server lacks).</summary>
    public const string Unknown = "unknown";

    public static HttpStatusCode StatusOf(string code) => code switch
    {
        ValidationFailed => HttpStatusCode.BadRequest,
        InvalidCredentials or Unauthorized => HttpStatusCode.Unauthorized,
        Forbidden or MissingPermission or NotAMember or Banned => HttpStatusCode.Forbidden,
        NotFound or InviteInvalid => HttpStatusCode.NotFound,
        Conflict or UsernameTaken => HttpStatusCode.Conflict,
        PayloadTooLarge => HttpStatusCode.RequestEntityTooLarge,
        UnsupportedMedia => HttpStatusCode.UnsupportedMediaType,
        RateLimited => HttpStatusCode.TooManyRequests,
        Unavailable => HttpStatusCode.ServiceUnavailable,
        _ => HttpStatusCode.InternalServerError,
    };
}
