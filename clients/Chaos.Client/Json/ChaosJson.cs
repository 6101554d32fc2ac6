using System.Text.Json;
using System.Text.Json.Serialization;

namespace Chaos.Client.Json;

/// <summary>The wire conventions of docs/api.md#json: camelCase, lower-case enums, permissions as decimal strings. Unknown fields are ignored so newer servers stay readable.</summary>
internal static class ChaosJson
{
    public static JsonSerializerOptions Options { get; } = Create();

    public static JsonSerializerOptions Create()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web)
        {
            DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        };
        options.Converters.Add(new PermissionsJsonConverter());
        options.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower, allowIntegerValues: false));
        options.MakeReadOnly(populateMissingResolver: true);
        return options;
    }
}
