using System.Text.Json;
using BenchmarkDotNet.Attributes;
using Chaos.Accounts;
using Chaos.Api.Gateway;
using Chaos.Api.Hosting;
using Chaos.Messages;
using MessagePack;
using MessagePack.Resolvers;

namespace Chaos.Benchmarks;

/// <summary>
/// One <c>MessageCreated</c> payload serialized the way the gateway does it: System.Text.Json with the front door's
/// options, and MessagePack through <see cref="JsonMirrorResolver"/> (which mirrors the JSON contract). SignalR
/// serializes an event once per protocol, not per recipient, so this is the per-event cost.
/// </summary>
[MemoryDiagnoser]
public class SerializationBenchmarks
{
    private JsonSerializerOptions json = null!;
    private MessagePackSerializerOptions messagePack = null!;
    private Message message = null!;
    private byte[] jsonBytes = null!;
    private byte[] messagePackBytes = null!;

    [GlobalSetup]
    public void Setup()
    {
        json = new JsonSerializerOptions();
        FrontDoorServiceExtensions.ConfigureJson(json);
        messagePack = MessagePackSerializerOptions.Standard
            .WithResolver(CompositeResolver.Create(new JsonMirrorResolver(json), StandardResolver.Instance))
            .WithSecurity(MessagePackSecurity.UntrustedData);
        var author = new PublicUser(123456789012345678, "alice", "Alice", DateTimeOffset.UtcNow);
        message = new Message(223456789012345678, 323456789012345678, 4711, author, "Hello <@423456789012345678>, see you at the meeting!", DateTimeOffset.UtcNow, null, null, "a1b2c3d4", [], [423456789012345678], 0);
        jsonBytes = JsonSerializer.SerializeToUtf8Bytes(message, json);
        messagePackBytes = MessagePackSerializer.Serialize(message, messagePack);
    }

    [Benchmark(Baseline = true)]
    public byte[] SerializeJson() => JsonSerializer.SerializeToUtf8Bytes(message, json);

    [Benchmark]
    public byte[] SerializeMessagePack() => MessagePackSerializer.Serialize(message, messagePack);

    [Benchmark]
    public Message? DeserializeJson() => JsonSerializer.Deserialize<Message>(jsonBytes, json);

    [Benchmark]
    public Message DeserializeMessagePack() => MessagePackSerializer.Deserialize<Message>(messagePackBytes, messagePack);
}
