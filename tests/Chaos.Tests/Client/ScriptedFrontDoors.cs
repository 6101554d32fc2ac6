using System.Collections.Concurrent;
using System.Net;
using Chaos.Client.Gateway;

namespace Chaos.Tests.Client;

/// <summary>
/// Front doors without a server: each connection attempt is recorded and answered as the test scripted it (accept, refuse,
/// refuse the token); hub calls are answered by <see cref="Answer"/>. Stands in for SignalR in reconnect tests.
/// </summary>
internal sealed class ScriptedFrontDoors
{
    private readonly ConcurrentDictionary<Uri, ConcurrentQueue<Func<Exception?>>> scripts = new();

    public ConcurrentQueue<Uri> Attempts { get; } = new();

    public ConcurrentQueue<ScriptedHubConnection> Connections { get; } = new();

    /// <summary>Answers an invocation (method, arguments) on a connection; the default fails as if nobody listened.</summary>
    public Func<ScriptedHubConnection, string, object?[], Task<object?>> Answer { get; set; } =
        (_, method, _) => Task.FromException<object?>(new InvalidOperationException("No answer scripted for " + method));

    /// <summary>Runs when a connection is accepted (e.g. to send <c>Ready</c>).</summary>
    public Action<ScriptedHubConnection> Accepted { get; set; } = _ => { };

    public ScriptedHubConnection? Current => Connections.LastOrDefault(c => c.IsConnected);

    /// <summary>The next attempts on <paramref name="door"/> are refused, one script entry each; then it accepts.</summary>
    public void Refuse(Uri door, int times = 1)
    {
        for (var i = 0; i < times; i++)
        {
            Script(door, () => new HttpRequestException("Connection refused"));
        }
    }

    /// <summary>The next attempt on <paramref name="door"/> answers 401, as a door does for a token it no longer accepts.</summary>
    public void RefuseToken(Uri door) =>
        Script(door, () => new HttpRequestException("Unauthorized", null, HttpStatusCode.Unauthorized));

    public IGatewayHubConnection Connect(Uri door)
    {
        var connection = new ScriptedHubConnection(door, this);
        Connections.Enqueue(connection);
        return connection;
    }

    /// <summary>What the door does with the next attempt: null accepts.</summary>
    internal Exception? Next(Uri door)
    {
        Attempts.Enqueue(door);
        return scripts.TryGetValue(door, out var queue) && queue.TryDequeue(out var outcome) ? outcome() : null;
    }

    private void Script(Uri door, Func<Exception?> outcome) => scripts.GetOrAdd(door, _ => new()).Enqueue(outcome);
}
