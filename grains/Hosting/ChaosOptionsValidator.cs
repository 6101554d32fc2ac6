using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace Chaos.Hosting;

/// <summary>
/// Data-annotation validation whose failures name the configuration key (<c>Chaos:Jwt:SigningKey: …</c>) rather than
/// only the class member, so an operator sees which setting to fix.
/// </summary>
internal sealed class ChaosOptionsValidator<T>(string section) : IValidateOptions<T>
    where T : class
{
    public ValidateOptionsResult Validate(string? name, T options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var results = new List<ValidationResult>();
        if (Validator.TryValidateObject(options, new ValidationContext(options), results, validateAllProperties: true))
        {
            return ValidateOptionsResult.Success;
        }

        return ValidateOptionsResult.Fail(results.Select(r => $"{section}:{string.Join(',', r.MemberNames)}: {r.ErrorMessage}"));
    }
}
