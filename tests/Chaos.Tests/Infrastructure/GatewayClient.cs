using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;

namespace Chaos.Tests.Infrastructure;

/// <summary>
/// A real SignalR client over a real WebSocket that records every event it receives, in order, as raw JSON — tests read
/// the wire shapes docs/api.md#objects promises, not the server's types.
/// </summary>
public sealed class GatewayClient : IAsyncDisposable
{
    private static readonly string[] EventNames =
    [
        "Ready", "MessageCreated", "MessageUpdated", "MessageDeleted", "TypingStarted", "CommunityUpdated", "CommunityDeleted",
        "MemberJoined", "MemberUpdated", "MemberLeft", "ChannelCreated", "ChannelUpdated", "ChannelDeleted", "RoleCreated",
        "RoleUpdated", "RoleDeleted", "ReadStateUpdated", "PresenceUpdated", "RelationshipUpdated", "VoiceStateUpdated", "Reconnect",
        "ReactionAdded", "ReactionRemoved", "ChannelPinsUpdated",
        "CommunityJoined", "CommunityLeft", "ModerationQueued", "SupportConversationUpdated",
        "MlsMessage",
    ];

    private readonly ConcurrentQueue<(string Name, JsonElement Payload)> events = new();
    private TaskCompletionSource arrived = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private GatewayClient(HubConnection connection, bool messagePack)
    {
        Connection = connection;
        foreach (var name in EventNames)
        {
            if (messagePack)
            {
                // Read MessagePack generically (maps, arrays, scalars) so the test sees exactly what went over the wire.
                connection.On<object>(name, payload => Record(name, JsonSerializer.SerializeToElement(ToJson(payload))));
            }
            else
            {
                connection.On<JsonElement>(name, payload => Record(name, payload));
            }
        }
    }

    public HubConnection Connection { get; }

    public IReadOnlyList<(string Name, JsonElement Payload)> Events => [.. events];

    /// <param name="awaitReady">False for a support guest token, whose connection gets no <c>Ready</c>.</param>
    public static async Task<GatewayClient> ConnectAsync(Uri server, string accessToken, bool messagePack = false, string? deviceId = null, bool awaitReady = true)
    {
        var builder = new HubConnectionBuilder()
            .WithUrl(new Uri(server, deviceId is null ? "/gateway" : $"/gateway?deviceId={deviceId}"), o =>
            {
                o.AccessTokenProvider = () => Task.FromResult<string?>(accessToken);
                o.Transports = HttpTransportType.WebSockets;
                o.SkipNegotiation = true;
            })
            .WithStatefulReconnect();
        if (messagePack)
        {
            builder.AddMessagePackProtocol(o => o.SerializerOptions = MessagePack.MessagePackSerializerOptions.Standard.WithResolver(MessagePack.Resolvers.ContractlessStandardResolver.Instance));
        }

        var client = new GatewayClient(builder.Build(), messagePack);
        await client.Connection.StartAsync();
        if (awaitReady)
        {
            await client.WaitForAsync("Ready", _ => true);
        }

        return client;
    }

    private static System.Text.Json.Nodes.JsonNode? ToJson(object? value) => value switch
    {
        null => null,
        IDictionary<object, object> map => new System.Text.Json.Nodes.JsonObject(map.Select(kv => KeyValuePair.Create(kv.Key.ToString()!, ToJson(kv.Value)))),
        object[] items => new System.Text.Json.Nodes.JsonArray(items.Select(ToJson).ToArray()),
        string text => System.Text.Json.Nodes.JsonValue.Create(text),
        bool flag => System.Text.Json.Nodes.JsonValue.Create(flag),
        double number => System.Text.Json.Nodes.JsonValue.Create(number),
        float number => System.Text.Json.Nodes.JsonValue.Create(number),
        _ => System.Text.Json.Nodes.JsonValue.Create(Convert.ToInt64(value, System.Globalization.CultureInfo.InvariantCulture)),
    };

    public IEnumerable<JsonElement> Payloads(string name) => Events.Where(e => e.Name == name).Select(e => e.Payload);

    /// <summary>Waits for a matching event, woken by each arrival (no polling interval to distort latencies).</summary>
    public async Task<JsonElement> WaitForAsync(string name, Func<JsonElement, bool> match, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(20));
        while (true)
        {
            var signal = Volatile.Read(ref arrived).Task;
            foreach (var payload in Payloads(name))
            {
                if (match(payload))
                {
                    return payload;
                }
            }

            var remaining = deadline - DateTime.UtcNow;
            if (remaining <= TimeSpan.Zero)
            {
                throw new TimeoutException($"No matching {name} event within the deadline; received: {string.Join(", ", Events.Select(e => e.Name))}");
            }

            await Task.WhenAny(signal, Task.Delay(remaining));
        }
    }

    private void Record(string name, JsonElement payload)
    {
        events.Enqueue((name, payload));
        Interlocked.Exchange(ref arrived, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
    }

    public async ValueTask DisposeAsync() => await Connection.DisposeAsync();
}
