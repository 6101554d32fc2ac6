using System.Buffers;
using System.Text.Json;
using Chaos.Client.Json;
using Chaos.Client.Voice;
using MessagePack;
using MessagePack.Formatters;
using MessagePack.Resolvers;

namespace Chaos.Client.Gateway;

/// <summary>
/// The server's MessagePack protocol carries exactly the JSON shapes (camelCase maps, ids as strings); this resolver reads
/// and writes the client's records through the same JSON contract, and voice frames natively (payload as binary).
/// </summary>
internal sealed class MessagePackMirrorResolver : IFormatterResolver
{
    public static readonly MessagePackMirrorResolver Instance = new();

    public IMessagePackFormatter<T>? GetFormatter<T>()
    {
        if (typeof(T) == typeof(VoiceFrame))
        {
            return (IMessagePackFormatter<T>)(object)VoiceFrameFormatter.Instance;
        }

        return typeof(T).Namespace?.StartsWith("Chaos.Client", StringComparison.Ordinal) == true
            ? MirrorFormatter<T>.Instance
            : StandardResolver.Instance.GetFormatter<T>();
    }

    private sealed class VoiceFrameFormatter : IMessagePackFormatter<VoiceFrame>
    {
        public static readonly VoiceFrameFormatter Instance = new();

        public void Serialize(ref MessagePackWriter writer, VoiceFrame value, MessagePackSerializerOptions options)
        {
            writer.WriteMapHeader(3);
            writer.Write("sequence");
            writer.Write(value.Sequence);
            writer.Write("timestamp");
            writer.Write(value.Timestamp);
            writer.Write("payload");
            writer.Write(value.Payload);
        }

        public VoiceFrame Deserialize(ref MessagePackReader reader, MessagePackSerializerOptions options) =>
            MirrorFormatter<VoiceFrame>.Instance.Deserialize(ref reader, options);
    }

    private sealed class MirrorFormatter<T> : IMessagePackFormatter<T>
    {
        public static readonly MirrorFormatter<T> Instance = new();

        public void Serialize(ref MessagePackWriter writer, T value, MessagePackSerializerOptions options)
        {
            using var document = JsonSerializer.SerializeToDocument(value, ChaosJson.Options);
            Write(ref writer, document.RootElement);
        }

        public T Deserialize(ref MessagePackReader reader, MessagePackSerializerOptions options)
        {
            var buffer = new ArrayBufferWriter<byte>(512);
            using (var json = new Utf8JsonWriter(buffer))
            {
                Read(ref reader, json, 0);
            }

            return JsonSerializer.Deserialize<T>(buffer.WrittenSpan, ChaosJson.Options)!;
        }

        private static void Write(ref MessagePackWriter writer, JsonElement element)
        {
            switch (element.ValueKind)
            {
                case JsonValueKind.Object:
                    writer.WriteMapHeader(element.EnumerateObject().Count());
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

        private static void Read(ref MessagePackReader reader, Utf8JsonWriter json, int depth)
        {
            if (depth > 64)
            {
                throw new MessagePackSerializationException("Nested too deeply.");
            }

            switch (reader.NextMessagePackType)
            {
                case MessagePackType.Map:
                    var properties = reader.ReadMapHeader();
                    json.WriteStartObject();
                    for (var i = 0; i < properties; i++)
                    {
                        json.WritePropertyName(reader.ReadString() ?? string.Empty);
                        Read(ref reader, json, depth + 1);
                    }

                    json.WriteEndObject();
                    break;
                case MessagePackType.Array:
                    var items = reader.ReadArrayHeader();
                    json.WriteStartArray();
                    for (var i = 0; i < items; i++)
                    {
                        Read(ref reader, json, depth + 1);
                    }

                    json.WriteEndArray();
                    break;
                case MessagePackType.String:
                    json.WriteStringValue(reader.ReadString());
                    break;
                case MessagePackType.Binary:
                    json.WriteBase64StringValue(reader.ReadBytes()!.Value.ToArray());
                    break;
                case MessagePackType.Integer:
                    json.WriteNumberValue(reader.ReadInt64());
                    break;
                case MessagePackType.Float:
                    json.WriteNumberValue(reader.ReadDouble());
                    break;
                case MessagePackType.Boolean:
                    json.WriteBooleanValue(reader.ReadBoolean());
                    break;
                case MessagePackType.Nil:
                    reader.ReadNil();
                    json.WriteNullValue();
                    break;
                default:
                    reader.Skip();
                    json.WriteNullValue();
                    break;
            }
        }
    }
}
