namespace Chaos.Client.Gateway;

/// <summary>
/// The part of a SignalR hub connection the gateway uses; <see cref="SignalRHubConnection"/> is the real one, and tests
/// put a scripted one in its place to drive reconnects without a server.
/// </summary>
internal interface IGatewayHubConnection : IAsyncDisposable
{
    /// <summary>Connected at the transport level (SignalR's <c>Connected</c> state); says nothing of <c>Ready</c>.</summary>
    bool IsConnected { get; }

    Task StartAsync(CancellationToken cancellation);

    /// <summary>Called once when the connection is closed for good (stateful reconnect included); the exception says why.</summary>
    void OnClosed(Func<Exception?, Task> handler);

    void On<T>(string methodName, Func<T, Task> handler);

    Task InvokeAsync(string methodName, object?[] args, CancellationToken cancellation);

    Task<T> InvokeAsync<T>(string methodName, object?[] args, CancellationToken cancellation);

    Task SendAsync(string methodName, object?[] args, CancellationToken cancellation);

    IAsyncEnumerable<T> StreamAsync<T>(string methodName, object?[] args, CancellationToken cancellation);
}
