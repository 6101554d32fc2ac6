using System.Buffers;
using Chaos.Client.Gateway;
using Chaos.Client.Messages;
using Chaos.Client.Voice;
using MessagePack;

namespace Chaos.Tests.Client;

/// <summary>The SDK's MessagePack contract: the server's camelCase maps read into the SDK's records; voice payloads stay binary.</summary>
public sealed class MessagePackMirrorTests
{
    private static readonly MessagePackSerializerOptions Options = MessagePackSerializerOptions.Standard
        .WithResolver(MessagePackMirrorResolver.Instance)
        .WithSecurity(MessagePackSecurity.UntrustedData);

    [Fact]
    public void VoiceFrame_IsWrittenWithABinaryPayload()
    {
        var bytes = MessagePackSerializer.Serialize(new VoiceFrame(7, 6720, [0xF8, 0x01, 0x02]), Options);

        var reader = new MessagePackReader(bytes);
        reader.ReadMapHeader().ShouldBe(3);
        var fields = new Dictionary<string, object>();
        for (var i = 0; i < 3; i++)
        {
            var name = reader.ReadString()!;
            fields[name] = reader.NextMessagePackType == MessagePackType.Binary ? reader.ReadBytes()!.Value.ToArray() : (object)reader.ReadInt64();
        }

        fields["sequence"].ShouldBe(7L);
        fields["timestamp"].ShouldBe(6720L);
        fields["payload"].ShouldBe(new byte[] { 0xF8, 0x01, 0x02 });
    }

    [Fact]
    public void ReceivedVoiceFrame_IsReadFromAMapWithABinaryPayload()
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        var writer = new MessagePackWriter(buffer);
        writer.WriteMapHeader(4);
        writer.Write("userId");
        writer.Write("123456789012345678");
        writer.Write("sequence");
        writer.Write(3);
        writer.Write("timestamp");
        writer.Write(2880);
        writer.Write("payload");
        writer.Write(new byte[] { 0x78, 0xAA });
        writer.Flush();

        var frame = MessagePackSerializer.Deserialize<ReceivedVoiceFrame>(buffer.WrittenMemory, Options);

        frame.UserId.ShouldBe("123456789012345678");
        frame.Sequence.ShouldBe(3);
        frame.Timestamp.ShouldBe(2880);
        frame.Payload.ShouldBe(new byte[] { 0x78, 0xAA });
    }

    [Fact]
    public void Message_RoundTripsThroughTheJsonShapedMap_AndUnknownFieldsAreIgnored()
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        var writer = new MessagePackWriter(buffer);
        writer.WriteMapHeader(3);
        writer.Write("channelId");
        writer.Write("42");
        writer.Write("messageId");
        writer.Write("43");
        writer.Write("someFutureField");
        writer.Write(true);
        writer.Flush();

        var deleted = MessagePackSerializer.Deserialize<MessageDeleted>(buffer.WrittenMemory, Options);

        deleted.ShouldBe(new MessageDeleted("42", "43"));
        MessagePackSerializer.Deserialize<MessageDeleted>(MessagePackSerializer.Serialize(deleted, Options), Options).ShouldBe(deleted);
    }
}
