using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using Chaos.Client.Gateway;

namespace Chaos.Tests.Client;

/// <summary>One connection to a <see cref="ScriptedFrontDoors"/> door: no socket; the test raises events and closes it.</summary>
internal sealed class ScriptedHubConnection(Uri door, ScriptedFrontDoors doors) : IGatewayHubConnection
{
    private readonly ConcurrentDictionary<string, Func<object?, Task>> handlers = new();
    private readonly List<Func<Exception?, Task>> closed = [];
    private int closing;

    public Uri Door { get; } = door;

    public bool IsConnected { get; private set; }

    public ConcurrentQueue<(string Method, object?[] Args)> Invocations { get; } = new();

    public Task StartAsync(CancellationToken cancellation)
    {
        if (doors.Next(Door) is { } refused)
        {
            return Task.FromException(refused);
        }

        IsConnected = true;
        doors.Accepted(this);
        return Task.CompletedTask;
    }

    public void OnClosed(Func<Exception?, Task> handler) => closed.Add(handler);

    public void On<T>(string methodName, Func<T, Task> handler) => handlers[methodName] = payload => handler((T)payload!);

    /// <summary>The server sends an event on this connection.</summary>
    public Task RaiseAsync(string methodName, object? payload) =>
        handlers.TryGetValue(methodName, out var handler) ? handler(payload) : Task.CompletedTask;

    /// <summary>The connection is lost for good, as SignalR reports it once stateful reconnect has given up.</summary>
    public async Task CloseAsync(Exception? exception = null)
    {
        if (Interlocked.Exchange(ref closing, 1) == 1)
        {
            return;
        }

        IsConnected = false;
        foreach (var handler in closed)
        {
            await handler(exception);
        }
    }

    public async Task InvokeAsync(string methodName, object?[] args, CancellationToken cancellation) =>
        await InvokeAsync<object?>(methodName, args, cancellation);

    public async Task<T> InvokeAsync<T>(string methodName, object?[] args, CancellationToken cancellation)
    {
        Invocations.Enqueue((methodName, args));
        return (T)(await doors.Answer(this, methodName, args))!;
    }

    public Task SendAsync(string methodName, object?[] args, CancellationToken cancellation)
    {
        Invocations.Enqueue((methodName, args));
        return Task.CompletedTask;
    }

    public async IAsyncEnumerable<T> StreamAsync<T>(string methodName, object?[] args, [EnumeratorCancellation] CancellationToken cancellation)
    {
        Invocations.Enqueue((methodName, args));
        await Task.CompletedTask;
        yield break;
    }

    public ValueTask DisposeAsync()
    {
        IsConnected = false;
        return ValueTask.CompletedTask;
    }
}
