using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using Chaos.Tests.Communities;
using Chaos.Tests.Infrastructure;

namespace Chaos.Tests.Gateway;

/// <summary>
/// Gateway connections that negotiate stateful reconnect, finish the SignalR handshake with a 4 KiB socket receive
/// buffer and never read again (a tiny receive buffer makes TCP push back at once, so what the client does not read
/// stays on the server's side). Dispose aborts them all.
/// </summary>
internal sealed class NonReadingSockets(ChaosServer server) : IDisposable
{
    private readonly SocketsHttpHandler handler = new()
    {
        ConnectCallback = async (context, cancellation) =>
        {
            var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true, ReceiveBufferSize = 4096 };
            await socket.ConnectAsync(context.DnsEndPoint, cancellation);
            return new NetworkStream(socket, ownsSocket: true);
        },
    };

    private readonly List<ClientWebSocket> sockets = [];

    /// <summary>
    /// A community with <paramref name="users"/> members besides its owner, who sends; answers the owner, the id of its
    /// text channel and the members (the busy channel the slow-consumer tests flood).
    /// </summary>
    public static async Task<(TestUser Sender, string Channel, List<TestUser> Members)> BusyChannelAsync(ChaosServer server, string name, int users)
    {
        var sender = await server.RegisterAsync();
        var community = (await sender.CreateCommunityAsync(name)).GetProperty("id").GetString()!;
        var channel = (await sender.GetAsync($"/communities/{community}")).GetProperty("channels").EnumerateArray().First(c => c.GetProperty("type").GetString() == "text").GetProperty("id").GetString()!;
        var members = new List<TestUser>();
        for (var i = 0; i < users; i++)
        {
            members.Add(await server.AddMemberAsync(sender, community));
        }

        return (sender, channel, members);
    }

    public async Task OpenAsync(string accessToken)
    {
        using var negotiate = new HttpRequestMessage(HttpMethod.Post, "/gateway/negotiate?negotiateVersion=1&useStatefulReconnect=true");
        negotiate.Headers.Authorization = new AuthenticationHeaderValue("Bearer", accessToken);
        var answer = await server.Http.SendAsync(negotiate);
        answer.EnsureSuccessStatusCode();
        var negotiation = await answer.Content.ReadFromJsonAsync<JsonElement>();
        negotiation.GetProperty("useStatefulReconnect").GetBoolean().ShouldBeTrue();
        var token = negotiation.GetProperty("connectionToken").GetString()!;

        var socket = new ClientWebSocket();
        sockets.Add(socket);
        var uri = new UriBuilder(server.BaseAddress) { Scheme = "ws", Path = "/gateway", Query = $"id={Uri.EscapeDataString(token)}&access_token={Uri.EscapeDataString(accessToken)}" }.Uri;
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        using var invoker = new HttpMessageInvoker(handler, disposeHandler: false);
        await socket.ConnectAsync(uri, invoker, timeout.Token);
        await socket.SendAsync(Encoding.UTF8.GetBytes("{\"protocol\":\"json\",\"version\":1}\u001e"), WebSocketMessageType.Text, true, timeout.Token);
        var buffer = new byte[64];
        var received = await socket.ReceiveAsync(buffer, timeout.Token);
        Encoding.UTF8.GetString(buffer, 0, received.Count).ShouldStartWith("{}");
    }

    public void Dispose()
    {
        foreach (var socket in sockets)
        {
            socket.Abort();
            socket.Dispose();
        }

        handler.Dispose();
    }
}
