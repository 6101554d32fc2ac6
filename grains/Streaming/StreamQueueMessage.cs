using Orleans.Providers.Streams.Common;
using Orleans.Runtime;
using Orleans.Streams;

namespace Chaos.Streaming;

/// <summary>
/// One published batch as it waits in an <see cref="IStreamQueueGrain"/> and then sits in the pulling agent's cache:
/// the events themselves (stream events are immutable records, so nothing is copied on the way), the publisher's
/// request context, and the sequence number the queue gave it.
/// </summary>
[GenerateSerializer, Immutable, Alias("chaos.StreamQueueMessage")]
public sealed record StreamQueueMessage(
    [property: Id(0)] StreamId StreamId,
    [property: Id(1)] object[] Events,
    [property: Id(2)] Dictionary<string, object>? RequestContext,
    [property: Id(3)] long Sequence) : IBatchContainer
{
    /// <inheritdoc/>
    public StreamSequenceToken SequenceToken => new EventSequenceTokenV2(Sequence);

    /// <inheritdoc/>
    public IEnumerable<Tuple<T, StreamSequenceToken>> GetEvents<T>()
    {
        var first = (EventSequenceTokenV2)SequenceToken;
        for (var i = 0; i < Events.Length; i++)
        {
            if (Events[i] is T item)
            {
                yield return Tuple.Create<T, StreamSequenceToken>(item, first.CreateSequenceTokenForEvent(i));
            }
        }
    }

    /// <inheritdoc/>
    public bool ImportRequestContext()
    {
        if (RequestContext is null)
        {
            return false;
        }

        RequestContextExtensions.Import(RequestContext);
        return true;
    }
}
