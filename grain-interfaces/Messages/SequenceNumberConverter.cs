using System.Text.Json;
using System.Text.Json.Serialization;

namespace Chaos.Messages;

/// <summary>
/// <c>seq</c> is a count, not an id: it stays a JSON number even though the API writes every 64-bit id as a string.
/// </summary>
public sealed class SequenceNumberConverter : JsonConverter<long>
{
    public override long Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) => reader.GetInt64();

    public override void Write(Utf8JsonWriter writer, long value, JsonSerializerOptions options) => writer.WriteNumberValue(value);
}
