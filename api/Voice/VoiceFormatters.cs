using System.Buffers;
using System.Globalization;
using Chaos.Voice;
using MessagePack;
using MessagePack.Formatters;

namespace Chaos.Api.Voice;

/// <summary>
/// MessagePack for the two voice frame shapes, written by hand instead of through the JSON mirror: the same camelCase
/// map as JSON, but <c>payload</c> as MessagePack binary (docs/api.md#connecting) and without a JSON round trip on the frame path.
/// </summary>
public static class VoiceFormatters
{
    public static IMessagePackFormatter<T>? Get<T>() =>
        typeof(T) == typeof(VoicePacket) ? (IMessagePackFormatter<T>)(object)PacketFormatter.Instance
        : typeof(T) == typeof(VoiceFrame) ? (IMessagePackFormatter<T>)(object)FrameFormatter.Instance
        : null;

    private sealed class PacketFormatter : IMessagePackFormatter<VoicePacket>
    {
        public static readonly PacketFormatter Instance = new();

        public void Serialize(ref MessagePackWriter writer, VoicePacket value, MessagePackSerializerOptions options)
        {
            writer.WriteMapHeader(4);
            writer.Write("userId");
            // Ids are strings on the wire in both protocols.
            writer.Write(value.UserId.ToString(CultureInfo.InvariantCulture));
            writer.Write("sequence");
            writer.Write(value.Sequence);
            writer.Write("timestamp");
            writer.Write(value.Timestamp);
            writer.Write("payload");
            writer.Write(value.Payload);
        }

        public VoicePacket Deserialize(ref MessagePackReader reader, MessagePackSerializerOptions options)
        {
            long userId = 0;
            uint sequence = 0, timestamp = 0;
            byte[] payload = [];
            var count = reader.ReadMapHeader();
            for (var i = 0; i < count; i++)
            {
                switch (reader.ReadString())
                {
                    case "userId":
                        userId = long.Parse(reader.ReadString() ?? "0", CultureInfo.InvariantCulture);
                        break;
                    case "sequence":
                        sequence = reader.ReadUInt32();
                        break;
                    case "timestamp":
                        timestamp = reader.ReadUInt32();
                        break;
                    case "payload":
                        payload = reader.ReadBytes() is { } bytes ? bytes.ToArray() : [];
                        break;
                    default:
                        reader.Skip();
                        break;
                }
            }

            return new VoicePacket(userId, sequence, timestamp, payload);
        }
    }

    private sealed class FrameFormatter : IMessagePackFormatter<VoiceFrame>
    {
        public static readonly FrameFormatter Instance = new();

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

        public VoiceFrame Deserialize(ref MessagePackReader reader, MessagePackSerializerOptions options)
        {
            uint sequence = 0, timestamp = 0;
            byte[]? payload = null;
            var count = reader.ReadMapHeader();
            for (var i = 0; i < count; i++)
            {
                switch (reader.ReadString())
                {
                    case "sequence":
                        sequence = reader.ReadUInt32();
                        break;
                    case "timestamp":
                        timestamp = reader.ReadUInt32();
                        break;
                    case "payload" when reader.NextMessagePackType == MessagePackType.Nil:
                        reader.ReadNil();
                        break;
                    case "payload":
                        // Binary as docs/api.md#voice-frames says; the size is bounded by the hub's maximum message size.
                        payload = reader.ReadBytes() is { } bytes ? bytes.ToArray() : null;
                        break;
                    default:
                        throw new MessagePackSerializationException("Unknown field in a voice frame.");
                }
            }

            return new VoiceFrame(sequence, timestamp, payload);
        }
    }
}
