using Chaos.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Runtime;
using Orleans.Streams;

namespace Chaos.Streaming;

/// <summary>
/// CHAOS's stream provider: Orleans persistent streams over in-memory <see cref="IStreamQueueGrain"/> queues whose
/// readers wait for messages, in place of the memory stream provider's queues that are polled on a timer
/// (docs/architecture.md#stream-queues). Publishing, subscriptions, pub-sub and the pulling agents are Orleans' own.
/// </summary>
public sealed class StreamQueueAdapterFactory : IQueueAdapterFactory, IQueueAdapter, IQueueAdapterCache
{
    private readonly HashRingBasedStreamQueueMapper mapper;
    private readonly IGrainFactory grains;
    private readonly TimeProvider clock;
    private readonly TimeSpan wait;
    private readonly NoOpStreamDeliveryFailureHandler failures = new();

    public StreamQueueAdapterFactory(string name, HashRingStreamQueueMapperOptions queues, TimeSpan wait, IGrainFactory grains, TimeProvider clock)
    {
        Name = name;
        mapper = new HashRingBasedStreamQueueMapper(queues, name);
        this.wait = wait;
        this.grains = grains;
        this.clock = clock;
    }

    public string Name { get; }

    /// <summary>Subscriptions start at the next event; nothing CHAOS does subscribes from a past token.</summary>
    public bool IsRewindable => false;

    public StreamProviderDirection Direction => StreamProviderDirection.ReadWrite;

    /// <summary>The factory Orleans calls for provider <paramref name="name"/> (silo or client).</summary>
    public static StreamQueueAdapterFactory Create(IServiceProvider services, string name)
    {
        ArgumentNullException.ThrowIfNull(services);
        var queues = services.GetRequiredService<IOptionsMonitor<HashRingStreamQueueMapperOptions>>().Get(name);
        var options = services.GetRequiredService<IOptions<ChaosStreamsOptions>>().Value;
        return new StreamQueueAdapterFactory(name, queues, options.QueueWait, services.GetRequiredService<IGrainFactory>(), services.GetService<TimeProvider>() ?? TimeProvider.System);
    }

    public Task<IQueueAdapter> CreateAdapter() => Task.FromResult<IQueueAdapter>(this);

    public IQueueAdapterCache GetQueueAdapterCache() => this;

    public IStreamQueueMapper GetStreamQueueMapper() => mapper;

    public Task<IStreamFailureHandler> GetDeliveryFailureHandler(QueueId queueId) => Task.FromResult<IStreamFailureHandler>(failures);

    public IQueueAdapterReceiver CreateReceiver(QueueId queueId) => new StreamQueueReceiver(Queue(queueId), wait);

    public IQueueCache CreateQueueCache(QueueId queueId) => new StreamQueueCache(clock);

    public Task QueueMessageBatchAsync<T>(StreamId streamId, IEnumerable<T> events, StreamSequenceToken? token, Dictionary<string, object>? requestContext)
    {
        ArgumentNullException.ThrowIfNull(events);
        if (token is not null)
        {
            throw new ArgumentException("CHAOS's streams are not rewindable: publish without a sequence token.", nameof(token));
        }

        var message = new StreamQueueMessage(streamId, [.. events.Cast<object>()], requestContext, 0);
        return Queue(mapper.GetQueueForStream(streamId)).Enqueue(message);
    }

    private IStreamQueueGrain Queue(QueueId queueId) => grains.GetGrain<IStreamQueueGrain>($"{Name}/{queueId}");
}
