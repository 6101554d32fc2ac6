namespace Chaos.Errors;

/// <summary>
/// A refusal that the caller caused (bad input, missing rights, conflicts). Grains throw it, Orleans carries it to the
/// front door, and the front door turns it into an RFC 9457 problem with <see cref="Code"/>; it is never a 5xx.
/// </summary>
[GenerateSerializer, Alias("chaos.ChaosException")]
public sealed class ChaosException : Exception
{
    public ChaosException(string code, string detail)
        : base(detail)
    {
        Code = code;
    }

    public ChaosException(string code, string detail, string? permission, Dictionary<string, string[]>? errors, double? retryAfterSeconds)
        : base(detail)
    {
        Code = code;
        Permission = permission;
        Errors = errors;
        RetryAfterSeconds = retryAfterSeconds;
    }

    public ChaosException()
        : this(ErrorCodes.ValidationFailed, "Invalid request.")
    {
    }

    public ChaosException(string message)
        : this(ErrorCodes.ValidationFailed, message)
    {
    }

    public ChaosException(string message, Exception innerException)
        : base(message, innerException)
    {
        Code = ErrorCodes.ValidationFailed;
    }

    [Id(0)]
    public string Code { get; private set; }

    [Id(1)]
    public string? Permission { get; private set; }

    [Id(2)]
    public Dictionary<string, string[]>? Errors { get; private set; }

    [Id(3)]
    public double? RetryAfterSeconds { get; private set; }

    public static ChaosException Validation(string field, string message) =>
        new(ErrorCodes.ValidationFailed, message, null, new Dictionary<string, string[]> { [field] = [message] }, null);

    /// <summary>Throws <see cref="Validation"/> for <paramref name="field"/> when a rule check returned an error.</summary>
    public static void ThrowIfInvalid(string field, string? error)
    {
        if (error is not null)
        {
            throw Validation(field, error);
        }
    }

    public static ChaosException NotFound(string what) => new(ErrorCodes.NotFound, $"Unknown {what}.");

    public static ChaosException RateLimited(double retryAfterSeconds, string detail) =>
        new(ErrorCodes.RateLimited, detail, null, null, retryAfterSeconds);
}
