using Chaos.Errors;

namespace Chaos.Api.Errors;

/// <summary>Collects field errors of one request and throws them together as <c>validation_failed</c>.</summary>
public sealed class RequestValidator
{
    private readonly Dictionary<string, string[]> errors = new(StringComparer.Ordinal);

    public RequestValidator Check(string field, string? error)
    {
        if (error is not null && !errors.ContainsKey(field))
        {
            errors[field] = [error];
        }

        return this;
    }

    public void ThrowIfInvalid()
    {
        if (errors.Count > 0)
        {
            throw new ChaosException(ErrorCodes.ValidationFailed, "One or more fields are not valid.", null, errors, null);
        }
    }
}
