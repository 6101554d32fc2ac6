using System.ComponentModel.DataAnnotations;
using System.Text;

namespace Chaos.Hosting;

/// <summary>
/// <c>Chaos:Admin</c>: the operators' side (docs/operations.md#administration). The Orleans dashboard is served at
/// <c>/admin/dashboard</c> when <see cref="Dashboard"/> is on (every silo of the cluster must agree: each one profiles
/// its grain calls for it), and only to an administrator: a request with HTTP Basic credentials whose password is
/// <see cref="Token"/>, or with the access token of a user listed in <see cref="Users"/>.
/// </summary>
public sealed class AdminOptions : IValidatableObject
{
    public const string Section = "Chaos:Admin";

    /// <summary>The shortest accepted <see cref="Token"/>, in UTF-8 bytes.</summary>
    public const int MinTokenBytes = 32;

    /// <summary>Serve the Orleans dashboard (adds a grain-call profiler on every silo, so off by default).</summary>
    public bool Dashboard { get; set; }

    /// <summary>User ids (snowflakes) whose access tokens are an administrator's.</summary>
    public string[] Users { get; set; } = [];

    /// <summary>Password of HTTP Basic logins (any user name) for browsers; from a Secret. Unset: no Basic login.</summary>
    public string? Token { get; set; }

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        foreach (var user in Users)
        {
            if (!long.TryParse(user, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var id) || id <= 0)
            {
                yield return new ValidationResult($"holds '{user}', which is not a user id.", [nameof(Users)]);
            }
        }

        if (!string.IsNullOrEmpty(Token) && Encoding.UTF8.GetByteCount(Token) < MinTokenBytes)
        {
            yield return new ValidationResult($"must be at least {MinTokenBytes} bytes; the configured token has {Encoding.UTF8.GetByteCount(Token)}.", [nameof(Token)]);
        }

        if (Dashboard && Users.Length == 0 && string.IsNullOrEmpty(Token))
        {
            yield return new ValidationResult("The dashboard needs an administrator: set Users or Token.", [nameof(Dashboard)]);
        }
    }
}
