using System.Net;

namespace Chaos.Client.Errors;

/// <summary>
/// A refusal by the server: the HTTP status, the stable <see cref="Code"/> of docs/api.md#errors (<c>not_found</c>, <c>missing_permission</c>, …),
/// the missing <see cref="Permission"/> when there is one, and field errors for <c>validation_failed</c>.
/// Gateway calls fail with the same type (status derived from the code).
/// </summary>
public sealed class ChaosApiException : Exception
{
    public ChaosApiException(HttpStatusCode status, string code, string? detail, string? permission = null, IReadOnlyDictionary<string, string[]>? errors = null, TimeSpan? retryAfter = null)
        : base(string.IsNullOrEmpty(detail) ? $"{(int)status} {code}" : $"{(int)status} {code}: {detail}")
    {
        Status = status;
        Code = code;
        Detail = detail;
        Permission = permission;
        Errors = errors ?? new Dictionary<string, string[]>();
        RetryAfter = retryAfter;
    }

    public ChaosApiException()
        : this(HttpStatusCode.InternalServerError, ErrorCodes.Unknown, null)
    {
    }

    public ChaosApiException(string message)
        : this(HttpStatusCode.InternalServerError, ErrorCodes.Unknown, message)
    {
    }

    public ChaosApiException(string message, Exception innerException)
        : base(message, innerException)
    {
        Status = HttpStatusCode.InternalServerError;
        Code = ErrorCodes.Unknown;
        Errors = new Dictionary<string, string[]>();
    }

    public HttpStatusCode Status { get; }

    public string Code { get; }

    public string? Detail { get; }

    public string? Permission { get; }

    public IReadOnlyDictionary<string, string[]> Errors { get; }

    /// <summary>From <c>Retry-After</c> on a 429.</summary>
    public TimeSpan? RetryAfter { get; }

    /// <summary>The server refused plaintext (content, files, a voice message) because the channel is end-to-end encrypted.</summary>
    public bool IsEncryptedChannelRefusal =>
        Code == ErrorCodes.ValidationFailed && (Detail?.StartsWith("This channel is end-to-end encrypted", StringComparison.Ordinal) ?? false);
}
