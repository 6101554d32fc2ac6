using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json;
using System.Threading.Channels;
using Chaos.Tests.Infrastructure;
using Microsoft.AspNetCore.SignalR.Client;

namespace Chaos.Tests.Voice;

/// <summary>A voice participant over a real SignalR connection (JSON or MessagePack), recording what it hears.</summary>
internal sealed class VoiceClient : IAsyncDisposable
{
    private readonly CancellationTokenSource receiving = new();
    private Task? receiver;

    private VoiceClient(GatewayClient gateway, TestUser user, bool messagePack)
    {
        Gateway = gateway;
        User = user;
        MessagePack = messagePack;
    }

    public GatewayClient Gateway { get; }

    public TestUser User { get; }

    public bool MessagePack { get; }

    public HubConnection Connection => Gateway.Connection;

    /// <summary>Frames heard: speaker, sequence, payload and the Stopwatch timestamp of arrival.</summary>
    public ConcurrentQueue<Heard> Received { get; } = new();

    /// <summary>The error that ended the ReceiveVoice stream, if any.</summary>
    public Exception? ReceiveError { get; private set; }

    public static async Task<VoiceClient> ConnectAsync(ChaosServer server, TestUser user, bool messagePack = false) =>
        new(await GatewayClient.ConnectAsync(server.BaseAddress, user.AccessToken, messagePack), user, messagePack);

    public async Task<JsonElement> JoinAsync(string channelId) =>
        MessagePack
            ? JsonSerializer.SerializeToElement(Plain(await Connection.InvokeAsync<object>("JoinVoice", channelId)))
            : await Connection.InvokeAsync<JsonElement>("JoinVoice", channelId);

    /// <summary>Opens ReceiveVoice; returns once the server has registered the stream (a later call was answered).</summary>
    public async Task StartReceivingAsync()
    {
        receiver = Task.Run(async () =>
        {
            try
            {
                if (MessagePack)
                {
                    await foreach (var item in Connection.StreamAsync<object>("ReceiveVoice", receiving.Token))
                    {
                        var map = (IDictionary<object, object>)item;
                        Received.Enqueue(new Heard((string)map["userId"], Convert.ToUInt32(map["sequence"], System.Globalization.CultureInfo.InvariantCulture), (byte[])map["payload"], Stopwatch.GetTimestamp()));
                    }
                }
                else
                {
                    await foreach (var item in Connection.StreamAsync<JsonElement>("ReceiveVoice", receiving.Token))
                    {
                        Received.Enqueue(new Heard(item.GetProperty("userId").GetString()!, item.GetProperty("sequence").GetUInt32(), item.GetProperty("payload").GetBytesFromBase64(), Stopwatch.GetTimestamp()));
                    }
                }
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                ReceiveError = exception;
            }
        });

        // Hub messages of one connection are dispatched in order: once this answers, ReceiveVoice's queue exists.
        await Connection.InvokeAsync<object>("SetVoiceState", false, false);
    }

    /// <summary>Sends <paramref name="frames"/> as one SendVoice stream, one every <paramref name="pace"/>, recording send times.</summary>
    public async Task SendAsync(IReadOnlyList<byte[]> frames, uint firstSequence, TimeSpan pace, ConcurrentDictionary<(string, uint), long>? sentAt = null, CancellationToken cancellationToken = default)
    {
        var channel = Channel.CreateUnbounded<Dictionary<string, object>>();
        await Connection.SendAsync("SendVoice", channel.Reader);
        using var timer = new PeriodicTimer(pace > TimeSpan.Zero ? pace : TimeSpan.FromMilliseconds(1));
        for (var i = 0; i < frames.Count && !cancellationToken.IsCancellationRequested; i++)
        {
            if (pace > TimeSpan.Zero)
            {
                await timer.WaitForNextTickAsync(CancellationToken.None);
            }

            var sequence = firstSequence + (uint)i;
            LastSent = sequence;
            sentAt?.TryAdd((User.Id, sequence), Stopwatch.GetTimestamp());
            await channel.Writer.WriteAsync(new Dictionary<string, object>
            {
                ["sequence"] = sequence,
                ["timestamp"] = sequence * 960,
                ["payload"] = frames[i],
            });
        }

        channel.Writer.Complete();
    }

    /// <summary>The sequence of the newest frame handed to SendVoice.</summary>
    public uint LastSent { get; private set; }

    public List<uint> SequencesFrom(string userId) => [.. Received.Where(h => h.UserId == userId).Select(h => h.Sequence)];

    public async ValueTask DisposeAsync()
    {
        await receiving.CancelAsync();
        if (receiver is not null)
        {
            await receiver.WaitAsync(TimeSpan.FromSeconds(10)).ContinueWith(_ => { }, TaskScheduler.Default);
        }

        await Gateway.DisposeAsync();
        receiving.Dispose();
    }

    private static System.Text.Json.Nodes.JsonNode? Plain(object? value) => value switch
    {
        null => null,
        IDictionary<object, object> map => new System.Text.Json.Nodes.JsonObject(map.Select(kv => KeyValuePair.Create(kv.Key.ToString()!, Plain(kv.Value)))),
        object[] items => new System.Text.Json.Nodes.JsonArray(items.Select(Plain).ToArray()),
        string text => System.Text.Json.Nodes.JsonValue.Create(text),
        bool flag => System.Text.Json.Nodes.JsonValue.Create(flag),
        byte[] bytes => System.Text.Json.Nodes.JsonValue.Create(Convert.ToBase64String(bytes)),
        _ => System.Text.Json.Nodes.JsonValue.Create(Convert.ToInt64(value, System.Globalization.CultureInfo.InvariantCulture)),
    };

    internal sealed record Heard(string UserId, uint Sequence, byte[] Payload, long At);
}
