using Chaos.Client.Json;
using MessagePack;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;

namespace Chaos.Client.Gateway;

/// <summary>A real SignalR connection to one front door's <c>/gateway</c>, with stateful reconnect and the chosen protocol.</summary>
internal sealed class SignalRHubConnection(HubConnection hub) : IGatewayHubConnection
{
    private static readonly TimeSpan NegotiateIdleTimeout = TimeSpan.FromSeconds(1);

    public bool IsConnected => hub.State == HubConnectionState.Connected;

    public static SignalRHubConnection Create(Uri frontDoor, ChaosClient client, ChaosGatewayOptions options)
    {
        var builder = new HubConnectionBuilder()
            .WithUrl(new Uri(frontDoor, "/gateway"), o =>
            {
                o.AccessTokenProvider = () => client.GetAccessTokenAsync();
                o.Transports = HttpTransportType.WebSockets;
                o.SkipNegotiation = options.SkipNegotiation;
                // The negotiate request's keep-alive connection would otherwise idle beside the WebSocket for minutes:
                // a second socket (and server file descriptor) per gateway connection.
                o.HttpMessageHandlerFactory = _ => new SocketsHttpHandler { PooledConnectionIdleTimeout = NegotiateIdleTimeout };
            })
            .WithStatefulReconnect();
        if (options.Protocol == GatewayProtocol.MessagePack)
        {
            builder.AddMessagePackProtocol(o => o.SerializerOptions = MessagePackSerializerOptions.Standard
                .WithResolver(MessagePackMirrorResolver.Instance)
                .WithSecurity(MessagePackSecurity.UntrustedData));
        }
        else
        {
            builder.AddJsonProtocol(o => o.PayloadSerializerOptions = new System.Text.Json.JsonSerializerOptions(ChaosJson.Options));
        }

        return new SignalRHubConnection(builder.Build());
    }

    public Task StartAsync(CancellationToken cancellation) => hub.StartAsync(cancellation);

    public void OnClosed(Func<Exception?, Task> handler) => hub.Closed += handler;

    public void On<T>(string methodName, Func<T, Task> handler) => hub.On(methodName, handler);

    public Task InvokeAsync(string methodName, object?[] args, CancellationToken cancellation) =>
        hub.InvokeCoreAsync(methodName, args, cancellation);

    public Task<T> InvokeAsync<T>(string methodName, object?[] args, CancellationToken cancellation) =>
        hub.InvokeCoreAsync<T>(methodName, args, cancellation);

    public Task SendAsync(string methodName, object?[] args, CancellationToken cancellation) =>
        hub.SendCoreAsync(methodName, args, cancellation);

    public IAsyncEnumerable<T> StreamAsync<T>(string methodName, object?[] args, CancellationToken cancellation) =>
        hub.StreamAsyncCore<T>(methodName, args, cancellation);

    public ValueTask DisposeAsync() => hub.DisposeAsync();
}
