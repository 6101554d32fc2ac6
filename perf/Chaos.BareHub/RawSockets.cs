using System.Buffers;
using System.Collections.Concurrent;
using System.Net.WebSockets;
using System.Text;

namespace Chaos.BareHub;

/// <summary>
/// The floor under the floor: plain Kestrel WebSockets at <c>/raw</c>, no SignalR. Each connection only keeps alive the
/// way a SignalR connection does — the server writes SignalR's ping message when it has written nothing for
/// <c>Raw:KeepAliveSeconds</c> (default 15, as SignalR; 0 = never), found by one walk over the connections a second as
/// SignalR's own scan does, and whatever the client writes is read and dropped. Holds no buffer while idle (a zero-byte
/// read waits for data first). Measured with perf/idle/raw-floor.sh (docs/benchmarks.md).
/// </summary>
internal sealed class RawSockets(IConfiguration configuration) : BackgroundService
{
    private static readonly ReadOnlyMemory<byte> Ping = Encoding.UTF8.GetBytes("{\"type\":6}\u001e");

    private readonly long keepAliveTicks = TimeSpan.FromSeconds(configuration.GetValue("Raw:KeepAliveSeconds", 15)).Ticks;

    private readonly ConcurrentDictionary<WebSocket, Connection> connections = new();

    public int Count => connections.Count;

    /// <summary>Accepts one WebSocket and reads from it until it closes.</summary>
    public async Task AcceptAsync(HttpContext context)
    {
        if (!context.WebSockets.IsWebSocketRequest)
        {
            context.Response.StatusCode = StatusCodes.Status400BadRequest;
            return;
        }

        using var socket = await context.WebSockets.AcceptWebSocketAsync();
        var connection = new Connection(socket);
        connections[socket] = connection;
        try
        {
            while (socket.State == WebSocketState.Open)
            {
                // Wait for data without a buffer, then rent one only for as long as the read takes.
                await socket.ReceiveAsync(Memory<byte>.Empty, context.RequestAborted);
                var buffer = ArrayPool<byte>.Shared.Rent(256);
                try
                {
                    ValueWebSocketReceiveResult result;
                    do
                    {
                        result = await socket.ReceiveAsync(buffer.AsMemory(), context.RequestAborted);
                    }
                    while (!result.EndOfMessage && result.MessageType != WebSocketMessageType.Close);

                    if (result.MessageType == WebSocketMessageType.Close)
                    {
                        await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None);
                        break;
                    }
                }
                finally
                {
                    ArrayPool<byte>.Shared.Return(buffer);
                }
            }
        }
        catch (Exception exception) when (exception is WebSocketException or OperationCanceledException)
        {
            // The client went away.
        }
        finally
        {
            connections.TryRemove(socket, out _);
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (keepAliveTicks <= 0)
        {
            return;
        }

        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1));
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            var now = DateTime.UtcNow.Ticks;
            foreach (var connection in connections.Values)
            {
                if (now - connection.LastWrite >= keepAliveTicks && connection.Socket.State == WebSocketState.Open)
                {
                    connection.LastWrite = now;
                    _ = connection.PingAsync();
                }
            }
        }
    }

    private sealed class Connection(WebSocket socket)
    {
        public WebSocket Socket { get; } = socket;

        public long LastWrite { get; set; } = DateTime.UtcNow.Ticks;

        public async Task PingAsync()
        {
            try
            {
                await Socket.SendAsync(Ping, WebSocketMessageType.Text, endOfMessage: true, CancellationToken.None);
            }
            catch (Exception exception) when (exception is WebSocketException or ObjectDisposedException or OperationCanceledException or InvalidOperationException)
            {
                // Closed meanwhile (its read loop removes it), or the previous ping is still being written.
            }
        }
    }
}
