using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using Chaos.Client.Communities;

namespace Chaos.Client.Json;

/// <summary>docs/api.md#ids: the permission bitfield travels as a decimal string (JavaScript numbers cannot hold 64 bits).</summary>
internal sealed class PermissionsJsonConverter : JsonConverter<ChaosPermissions>
{
    public override ChaosPermissions Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) => reader.TokenType switch
    {
        JsonTokenType.String => (ChaosPermissions)ulong.Parse(reader.GetString()!, NumberStyles.None, CultureInfo.InvariantCulture),
        JsonTokenType.Number => (ChaosPermissions)reader.GetUInt64(),
        _ => throw new JsonException("Permissions must be a decimal string."),
    };

    public override void Write(Utf8JsonWriter writer, ChaosPermissions value, JsonSerializerOptions options) =>
        writer.WriteStringValue(((ulong)value).ToString(CultureInfo.InvariantCulture));
}
