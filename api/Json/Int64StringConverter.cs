using System.Buffers.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Chaos.Api.Json;

/// <summary>
/// docs/api.md#ids: 64-bit ids travel as strings (JavaScript numbers lose precision past 2^53). Every <c>long</c> on the wire is an
/// id, so all of them go out as strings; counts and sizes are <c>int</c>.
/// </summary>
public sealed class Int64StringConverter : JsonConverter<long>
{
    public override long Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType == JsonTokenType.String && Utf8Parser.TryParse(reader.ValueSpan, out long value, out var consumed) && consumed == reader.ValueSpan.Length && !reader.ValueIsEscaped)
        {
            return value;
        }

        throw new JsonException("Expected an id written as a string of digits.");
    }

    public override void Write(Utf8JsonWriter writer, long value, JsonSerializerOptions options)
    {
        Span<byte> buffer = stackalloc byte[20];
        Utf8Formatter.TryFormat(value, buffer, out var written);
        writer.WriteStringValue(buffer[..written]);
    }
}
