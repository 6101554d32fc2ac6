namespace Chaos.Ai;

/// <summary>
/// Makes a cancelled model call let go of its HTTP response at once. OllamaSharp reads a streamed answer line by line
/// without passing the cancellation token to the read, so a server that stops writing (a hung model) would hold the
/// call forever; disposing the response aborts the connection, the pending read fails, and the server sees the client
/// go away (docs/architecture.md#ai-assistance).
/// </summary>
public sealed class AbortOnCancelHandler : DelegatingHandler
{
    public AbortOnCancelHandler(HttpMessageHandler inner)
        : base(inner)
    {
    }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var response = await base.SendAsync(request, cancellationToken);
        // The token belongs to one model call (ResilientChatClient links a fresh one per call), so the registration
        // lives no longer than that call.
        cancellationToken.Register(static state => ((HttpResponseMessage)state!).Dispose(), response);
        return response;
    }
}
