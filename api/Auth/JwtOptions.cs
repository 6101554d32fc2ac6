using System.ComponentModel.DataAnnotations;
using System.Text;

namespace Chaos.Api.Auth;

/// <summary><c>Chaos:Jwt</c>: the access-token signing key (generated when unset) and the tokens' lifetime.</summary>
public sealed class JwtOptions : IValidatableObject
{
    public const string Section = "Chaos:Jwt";

    /// <summary>HMAC-SHA256 key as UTF-8 text, at least 32 bytes; unset, a key is generated (see README).</summary>
    public string? SigningKey { get; set; }

    [Range(1, 24 * 60)]
    public int AccessTokenMinutes { get; set; } = 15;

    public bool HasSigningKey => !string.IsNullOrWhiteSpace(SigningKey);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        var bytes = HasSigningKey ? Encoding.UTF8.GetByteCount(SigningKey!) : 0;
        if (HasSigningKey && bytes < 32)
        {
            yield return new ValidationResult($"must be at least 32 bytes for HMAC-SHA256; the configured key has {bytes}.", [nameof(SigningKey)]);
        }
    }
}
