using System.Collections.Frozen;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Chaos.Api.Json;

/// <summary>
/// docs/api.md#json: enums are lower-case strings. Reading is exact (<c>"TEXT"</c>, <c>"Text"</c> and numbers are refused), unlike
/// the framework's converter, which ignores case and would let clients depend on spellings we never promised.
/// </summary>
public sealed class StrictEnumConverterFactory : JsonConverterFactory
{
    public override bool CanConvert(Type typeToConvert) => typeToConvert.IsEnum && typeToConvert.Namespace?.StartsWith("Chaos", StringComparison.Ordinal) == true;

    public override JsonConverter CreateConverter(Type typeToConvert, JsonSerializerOptions options) =>
        (JsonConverter)Activator.CreateInstance(typeof(StrictEnumConverter<>).MakeGenericType(typeToConvert))!;

    private sealed class StrictEnumConverter<T> : JsonConverter<T>
        where T : struct, Enum
    {
        private static readonly FrozenDictionary<string, T> ByName =
            Enum.GetValues<T>().ToFrozenDictionary(v => JsonNamingPolicy.SnakeCaseLower.ConvertName(v.ToString()), v => v, StringComparer.Ordinal);

        private static readonly FrozenDictionary<T, string> NameOf = ByName.ToFrozenDictionary(kv => kv.Value, kv => kv.Key);

        public override T Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
            reader.TokenType == JsonTokenType.String && ByName.TryGetValue(reader.GetString()!, out var value)
                ? value
                : throw new JsonException($"Expected one of: {string.Join(", ", ByName.Keys.Select(k => '"' + k + '"'))}.");

        public override void Write(Utf8JsonWriter writer, T value, JsonSerializerOptions options) => writer.WriteStringValue(NameOf[value]);
    }
}
