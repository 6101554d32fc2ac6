using System.Text.Json;
using System.Text.Json.Serialization;
using Chaos.Permissions;

namespace Chaos.Api.Json;

/// <summary>Permission bitfields travel as decimal strings (docs/api.md#ids), parsed strictly: no undefined bits.</summary>
public sealed class PermissionsStringConverter : JsonConverter<Permissions.Permissions>
{
    public override Permissions.Permissions Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        reader.TokenType == JsonTokenType.String && PermissionSets.TryParse(reader.GetString(), out var value)
            ? value
            : throw new JsonException("Expected a permission bitfield as a decimal string of defined bits.");

    public override void Write(Utf8JsonWriter writer, Permissions.Permissions value, JsonSerializerOptions options) =>
        writer.WriteStringValue(PermissionSets.Format(value));
}
