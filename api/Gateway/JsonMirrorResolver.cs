using System.Buffers;
using System.Text.Json;
using MessagePack;
using MessagePack.Formatters;
using MessagePack.Resolvers;

namespace Chaos.Api.Gateway;

/// <summary>
/// Makes the MessagePack protocol carry exactly the JSON protocol's shapes (docs/api.md#connecting: camelCase in both, ids as strings,
/// lower-case enums): CHAOS types are written through the same System.Text.Json contract, mirrored into MessagePack.
/// SignalR serializes an event once per protocol, not per recipient, so the mirror runs once per event. Voice frames,
/// whose payload must be MessagePack binary and which are the hot path, have their own formatters.
/// </summary>
public sealed class JsonMirrorResolver(JsonSerializerOptions json) : IFormatterResolver
{
    public IMessagePackFormatter<T>? GetFormatter<T>() =>
        Voice.VoiceFormatters.Get<T>() ?? (typeof(T).Namespace?.StartsWith("Chaos", StringComparison.Ordinal) == true
            ? new MirrorFormatter<T>(json)
            : StandardResolver.Instance.GetFormatter<T>());

    private sealed class MirrorFormatter<T>(JsonSerializerOptions json) : IMessagePackFormatter<T>
    {
        public void Serialize(ref MessagePackWriter writer, T value, MessagePackSerializerOptions options)
        {
            using var document = JsonSerializer.SerializeToDocument(value, json);
            Write(ref writer, document.RootElement);
        }

        public T Deserialize(ref MessagePackReader reader, MessagePackSerializerOptions options)
        {
            var buffer = new ArrayBufferWriter<byte>();
            using (var jsonWriter = new Utf8JsonWriter(buffer))
            {
                Read(ref reader, jsonWriter, depth: 0);
            }

            return JsonSerializer.Deserialize<T>(buffer.WrittenSpan, json)!;
        }

        private static void Write(ref MessagePackWriter writer, JsonElement element)
        {
            switch (element.ValueKind)
            {
                case JsonValueKind.Object:
                    var count = 0;
                    foreach (var _ in element.EnumerateObject())
                    {
                        count++;
                    }

                    writer.WriteMapHeader(count);
                    foreach (var property in element.EnumerateObject())
                    {
                        writer.Write(property.Name);
                        Write(ref writer, property.Value);
                    }

                    break;
                case JsonValueKind.Array:
                    writer.WriteArrayHeader(element.GetArrayLength());
                    foreach (var item in element.EnumerateArray())
                    {
                        Write(ref writer, item);
                    }

                    break;
                case JsonValueKind.String:
                    writer.Write(element.GetString());
                    break;
                case JsonValueKind.Number when element.TryGetInt64(out var integer):
                    writer.Write(integer);
                    break;
                case JsonValueKind.Number:
                    writer.Write(element.GetDouble());
                    break;
                case JsonValueKind.True:
                    writer.Write(true);
                    break;
                case JsonValueKind.False:
                    writer.Write(false);
                    break;
                default:
                    writer.WriteNil();
                    break;
            }
        }

        private static void Read(ref MessagePackReader reader, Utf8JsonWriter writer, int depth)
        {
            if (depth > 32)
            {
                throw new MessagePackSerializationException("Nested too deeply.");
            }

            switch (reader.NextMessagePackType)
            {
                case MessagePackType.Map:
                    var entries = reader.ReadMapHeader();
                    writer.WriteStartObject();
                    for (var i = 0; i < entries; i++)
                    {
                        writer.WritePropertyName(reader.ReadString() ?? string.Empty);
                        Read(ref reader, writer, depth + 1);
                    }

                    writer.WriteEndObject();
                    break;
                case MessagePackType.Array:
                    var items = reader.ReadArrayHeader();
                    writer.WriteStartArray();
                    for (var i = 0; i < items; i++)
                    {
                        Read(ref reader, writer, depth + 1);
                    }

                    writer.WriteEndArray();
                    break;
                case MessagePackType.String:
                    writer.WriteStringValue(reader.ReadString());
                    break;
                case MessagePackType.Binary:
                    writer.WriteBase64StringValue(reader.ReadBytes()!.Value.ToArray());
                    break;
                case MessagePackType.Integer:
                    writer.WriteNumberValue(reader.ReadInt64());
                    break;
                case MessagePackType.Float:
                    writer.WriteNumberValue(reader.ReadDouble());
                    break;
                case MessagePackType.Boolean:
                    writer.WriteBooleanValue(reader.ReadBoolean());
                    break;
                case MessagePackType.Nil:
                    reader.ReadNil();
                    writer.WriteNullValue();
                    break;
                default:
                    throw new MessagePackSerializationException("Unsupported MessagePack type.");
            }
        }
    }
}
