using System.Runtime.CompilerServices;
using Chaos.Api.Ai;
using Chaos.Api.Auth;
using Chaos.Api.Errors;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.SignalR;

namespace Chaos.Api.Gateway;

/// <summary>AI assistance on the gateway (docs/api.md#ai-assistance): "catch me up" as a stream of text chunks.</summary>
public sealed partial class GatewayHub
{
    /// <summary>
    /// Streams a summary of what the caller missed in a channel. Stopping the stream (or disconnecting) cancels the model
    /// call. A stream's failures bypass hub filters, so they are turned into the usual <c>"{code}: {detail}"</c> here.
    /// </summary>
    public async IAsyncEnumerable<string> Summarize(
        string channelId, string? sinceMessageId, [FromServices] ChannelSummarizer summarizer, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        SummaryInput input;
        IAsyncEnumerator<string> chunks;
        try
        {
            var id = RouteIds.Parse(channelId, "channelId");
            var since = RouteIds.ParseOptional(sinceMessageId, "sinceMessageId");
            input = await summarizer.PrepareAsync(Context.User!.UserId(), id, since, cancellationToken);
            chunks = summarizer.StreamAsync(input, cancellationToken).GetAsyncEnumerator(cancellationToken);
        }
        catch (Exception e) when (ChaosExceptionHandler.Translate(e) is { } chaos)
        {
            throw new HubException($"{chaos.Code}: {chaos.Message}");
        }

        await using (chunks)
        {
            while (true)
            {
                bool more;
                try
                {
                    more = await chunks.MoveNextAsync();
                }
                catch (Exception e) when (!cancellationToken.IsCancellationRequested && ChaosExceptionHandler.Translate(e) is { } chaos)
                {
                    throw new HubException($"{chaos.Code}: {chaos.Message}");
                }

                if (!more)
                {
                    yield break;
                }

                yield return chunks.Current;
            }
        }
    }
}
