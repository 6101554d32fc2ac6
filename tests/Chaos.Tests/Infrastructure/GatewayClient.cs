using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;

namespace Chaos.Tests.Infrastructure;

/// <summary>
/// A real SignalR client over a real WebSocket that records every event it receives, in order, as raw JSON — tests read
/// the wire shapes API.md promises, not the server's types.
/// </summary>
public sealed class GatewayClient : IAsyncDisposable
{
    private static readonly string[] EventNames =
    [
        "Ready", "MessageCreated", "MessageUpdated", "MessageDeleted", "TypingStarted", "CommunityUpdated", "CommunityDeleted",
        "MemberJoined", "MemberUpdated", "MemberLeft", "ChannelCreated", "ChannelUpdated", "ChannelDeleted", "RoleCreated",
        "RoleUpdated", "RoleDeleted", "ReadStateUpdated", "VoiceStateUpdated",
    ];

    private readonly ConcurrentQueue<(string Name, JsonElement Payload)> events = new();

    private GatewayClient(HubConnection connection, bool messagePack)
    {
        Connection = connection;
        foreach (var name in EventNames)
        {
            if (messagePack)
            {
                // Read MessagePack generically (maps, arrays, scalars) so the test sees exactly what went over the wire.
                connection.On<object>(name, payload => events.Enqueue((name, JsonSerializer.SerializeToElement(ToJson(payload)))));
            }
            else
            {
                connection.On<JsonElement>(name, payload => events.Enqueue((name, payload)));
            }
        }
    }

    public HubConnection Connection { get; }

    public IReadOnlyList<(string Name, JsonElement Payload)> Events => [.. events];

    public static async Task<GatewayClient> ConnectAsync(Uri server, string accessToken, bool messagePack = false)
    {
        var builder = new HubConnectionBuilder()
            .WithUrl(new Uri(server, "/gateway"), o =>
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
        await client.WaitForAsync("Ready", _ => true);
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

    public Task<JsonElement> WaitForAsync(string name, Func<JsonElement, bool> match, TimeSpan? timeout = null) =>
        Eventually.ReturnsAsync(
            () => Task.FromResult(Payloads(name).Where(match).Select(p => (JsonElement?)p).FirstOrDefault()),
            p => p is not null,
            timeout ?? TimeSpan.FromSeconds(20),
            $"a {name} event").ContinueWith(t => t.Result!.Value, TaskScheduler.Default);

    public async ValueTask DisposeAsync() => await Connection.DisposeAsync();
}
