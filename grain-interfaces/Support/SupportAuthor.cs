using System.Text.Json.Serialization;

namespace Chaos.Support;

/// <summary>
/// The author of a support message: a User (<c>id, username, displayName, createdAt</c>) for an agent, or
/// <c>{guest: true, name}</c> for the guest (docs/api.md#support-desk). Absent fields are left out of the JSON.
/// </summary>
[GenerateSerializer, Immutable, Alias("chaos.SupportAuthor")]
public sealed record SupportAuthor(
    [property: Id(0), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] long? Id,
    [property: Id(1), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Username,
    [property: Id(2), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? DisplayName,
    [property: Id(3), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] DateTimeOffset? CreatedAt,
    [property: Id(4)] bool Guest,
    [property: Id(5), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Name)
{
    public static SupportAuthor OfGuest(string name) => new(null, null, null, null, true, name);

    public static SupportAuthor OfUser(Accounts.PublicUser user)
    {
        ArgumentNullException.ThrowIfNull(user);
        return new(user.Id, user.Username, user.DisplayName, user.CreatedAt, false, null);
    }
}
