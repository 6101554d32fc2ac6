namespace Chaos.Ai;

/// <summary>
/// Makes a cancelled model call let go of its HTTP response at once. OllamaSharp reads a streamed answer line by line
/// without passing the cancellation token to the read (and partly with synchronous reads), so a server that stops
/// writing (a hung model) would hold the call forever. The body is handed out as a <see cref="CancellableReadStream"/>
/// bound to the call's token: a pending read is aborted when the token fires (the connection is closed and the server
/// sees the client go), and any later read fails at once (docs/architecture.md#ai-assistance).
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
        // The model call's own token (AiCallToken says why not the one given here); none outside a model call.
        var call = AiCallToken.Value;
        if (!call.CanBeCanceled)
        {
            return response;
        }

        var original = response.Content;
        var body = await original.ReadAsStreamAsync(cancellationToken);
        var content = new StreamContent(new CancellableReadStream(body, call));
        foreach (var header in original.Headers)
        {
            content.Headers.TryAddWithoutValidation(header.Key, header.Value);
        }

        response.Content = content;
        return response;
    }
}
