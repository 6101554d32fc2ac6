namespace Chaos.Errors;

/// <summary>The stable machine-readable <c>code</c> values of the problem details in docs/api.md#errors.</summary>
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

    /// <summary>Not a client error: the cluster could not answer in time (a silo failing over). Safe to retry.</summary>
    public const string Unavailable = "unavailable";
    public const string MethodNotAllowed = "method_not_allowed";

    /// <summary>AI assistance is off, or the model server did not answer (docs/api.md#ai-assistance).</summary>
    public const string AiUnavailable = "ai_unavailable";

    /// <summary>The HTTP status docs/api.md#errors assigns to each code.</summary>
    public static int StatusOf(string code) => code switch
    {
        ValidationFailed => 400,
        InvalidCredentials or Unauthorized => 401,
        Forbidden or MissingPermission or NotAMember or Banned => 403,
        NotFound or InviteInvalid => 404,
        MethodNotAllowed => 405,
        Conflict or UsernameTaken => 409,
        PayloadTooLarge => 413,
        UnsupportedMedia => 415,
        RateLimited => 429,
        Unavailable or AiUnavailable => 503,
        _ => 400,
    };
}
