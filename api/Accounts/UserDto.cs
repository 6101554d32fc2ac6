using System.Globalization;
using System.Text.Json.Serialization;
using Chaos.Accounts;

namespace Chaos.Api.Accounts;

/// <summary>The User object (docs/api.md#user); <see cref="StatusMessage"/> is only present on <c>@me</c>.</summary>
public sealed record UserDto(
    string Id,
    string Username,
    string DisplayName,
    DateTimeOffset CreatedAt,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? StatusMessage)
{
    public static UserDto Public(UserProfile profile) =>
        new(profile.Id.ToString(CultureInfo.InvariantCulture), profile.Username, profile.DisplayName, profile.CreatedAt, null);

    public static UserDto Me(UserProfile profile) => Public(profile) with { StatusMessage = profile.StatusMessage };
}
