using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Chaos.Messages;

/// <summary>
/// Group commit for the whole process: channel grains hand over new messages, the writer gathers them from every
/// channel into one batch per <see cref="IMessageStore.AppendAsync"/> and completes each caller's task only once its
/// batch is committed. A caller's own messages are never split across batches and never reordered.
/// </summary>
public sealed partial class MessageWriter : IAsyncDisposable
{
    private readonly IMessageStore store;
    private readonly ILogger<MessageWriter> logger;
    private readonly int batchSize;
    private readonly long lingerTicks;
    private readonly int maxFlushes;
    private readonly SemaphoreSlim flushSlots;
    private readonly Channel<PendingWrite> queue = Channel.CreateUnbounded<PendingWrite>(new UnboundedChannelOptions { SingleReader = true, AllowSynchronousContinuations = false });
    private readonly Task loop;
    private readonly Meter meter;
    private readonly bool ownsMeter;
    private readonly Counter<long> persisted;
    private readonly Histogram<int> batchSizes;
    private readonly Histogram<double> persistDuration;
    private long flushCount;

    public MessageWriter(IMessageStore store, IOptions<MessageWriterOptions> options, ILogger<MessageWriter>? logger = null, IMeterFactory? meterFactory = null)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(options);
        var settings = options.Value;
        ArgumentOutOfRangeException.ThrowIfLessThan(settings.BatchSize, 1, nameof(settings.BatchSize));
        ArgumentOutOfRangeException.ThrowIfNegative(settings.LingerMilliseconds, nameof(settings.LingerMilliseconds));
        ArgumentOutOfRangeException.ThrowIfLessThan(settings.MaxFlushesInFlight, 1, nameof(settings.MaxFlushesInFlight));
        this.store = store;
        this.logger = logger ?? NullLogger<MessageWriter>.Instance;
        batchSize = settings.BatchSize;
        lingerTicks = (long)(settings.LingerMilliseconds * Stopwatch.Frequency / 1000);
        maxFlushes = settings.MaxFlushesInFlight;
        flushSlots = new SemaphoreSlim(maxFlushes, maxFlushes);
        // A factory's meter is shared with everything else reporting under "Chaos" and is the factory's to dispose.
        ownsMeter = meterFactory is null;
        meter = meterFactory?.Create("Chaos") ?? new Meter("Chaos");
        persisted = meter.CreateCounter<long>("messages.persisted", "{message}", "Messages committed to the message store.");
        batchSizes = meter.CreateHistogram<int>("message.batch.size", "{message}", "Messages per group commit.");
        persistDuration = meter.CreateHistogram<double>("message.persist.duration", "ms", "Time to commit one group of messages.");
        loop = Task.Run(RunAsync);
    }

    /// <summary>The meter the writer reports on; without a meter factory it belongs to this writer alone.</summary>
    internal Meter Meter => meter;

    /// <summary>Batches handed to the store so far (including isolation retries after a failed batch).</summary>
    internal long FlushCount => Interlocked.Read(ref flushCount);

    /// <summary>Completes once <paramref name="message"/> is durable; fails with the store's exception if it is not.</summary>
    public Task WriteAsync(StoredMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        return Enqueue([message]);
    }

    /// <summary>Writes <paramref name="messages"/> together, all or nothing, in their order.</summary>
    public Task WriteAsync(IReadOnlyList<StoredMessage> messages)
    {
        ArgumentNullException.ThrowIfNull(messages);
        return messages.Count == 0 ? Task.CompletedTask : Enqueue(messages);
    }

    /// <summary>Stops taking writes and returns once everything already queued is committed (or has failed).</summary>
    public async ValueTask DisposeAsync()
    {
        queue.Writer.TryComplete();
        await loop;
        flushSlots.Dispose();
        if (ownsMeter)
        {
            meter.Dispose();
        }
    }

    private Task Enqueue(IReadOnlyList<StoredMessage> messages)
    {
        var write = new PendingWrite(messages, Stopwatch.GetTimestamp());
        return queue.Writer.TryWrite(write)
            ? write.Completion.Task
            : Task.FromException(new ObjectDisposedException(nameof(MessageWriter), "The message writer is shut down; the message was not stored."));
    }

    private async Task RunAsync()
    {
        var reader = queue.Reader;
        while (await reader.WaitToReadAsync())
        {
            // Take the slot before gathering: while the previous flush runs, arrivals pile up and join this batch.
            await flushSlots.WaitAsync();
            var batch = await GatherAsync(reader);
            if (batch.Count == 0)
            {
                flushSlots.Release();
                continue;
            }

            _ = FlushAndReleaseAsync(batch);
        }

        // Shutdown: wait for the flushes still running by holding every slot.
        for (var n = 0; n < maxFlushes; n++)
        {
            await flushSlots.WaitAsync();
        }
    }

    private async Task<List<PendingWrite>> GatherAsync(ChannelReader<PendingWrite> reader)
    {
        var batch = new List<PendingWrite>();
        var count = 0;
        Task? linger = null;
        CancellationTokenSource? lingerCancel = null;
        try
        {
            while (true)
            {
                while (count < batchSize && reader.TryRead(out var write))
                {
                    batch.Add(write);
                    count += write.Messages.Count;
                }

                if (batch.Count == 0 || count >= batchSize || lingerTicks == 0)
                {
                    return batch;
                }

                // The linger runs from the oldest message's arrival, so a batch that already waited for a flush slot
                // goes out at once instead of waiting again.
                var remaining = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), batch[0].EnqueuedAt + lingerTicks);
                if (remaining <= TimeSpan.Zero)
                {
                    return batch;
                }

                if (linger is null)
                {
                    lingerCancel = new CancellationTokenSource();
                    linger = Task.Delay(remaining, lingerCancel.Token);
                }

                var more = reader.WaitToReadAsync().AsTask();
                if (await Task.WhenAny(more, linger) == linger || !await more)
                {
                    return batch;
                }
            }
        }
        finally
        {
            if (lingerCancel is not null)
            {
                await lingerCancel.CancelAsync();
                lingerCancel.Dispose();
            }
        }
    }

    private async Task FlushAndReleaseAsync(List<PendingWrite> batch)
    {
        try
        {
            var started = Stopwatch.GetTimestamp();
            var messages = batch.Sum(w => w.Messages.Count);
            var stored = await AppendIsolatingFailuresAsync(batch);
            persistDuration.Record(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            batchSizes.Record(messages);
            if (stored > 0)
            {
                persisted.Add(stored);
            }
        }
        catch (Exception exception)
        {
            // Unreachable by design (every failure is handed to its callers); never let a caller hang if it happens.
            LogFlushCrashed(exception);
            foreach (var write in batch)
            {
                write.Completion.TrySetException(exception);
            }
        }
        finally
        {
            flushSlots.Release();
        }
    }

    /// <summary>
    /// Appends the writes as one batch; if the store refuses the data, splits the batch in halves and retries each, so
    /// that only the writes that carry the bad rows fail and everybody else's messages are stored. Returns how many
    /// messages were stored.
    /// </summary>
    private async Task<int> AppendIsolatingFailuresAsync(List<PendingWrite> writes)
    {
        var rows = writes.Count == 1 ? writes[0].Messages : writes.SelectMany(w => w.Messages).ToList();
        try
        {
            Interlocked.Increment(ref flushCount);
            await store.AppendAsync(rows, CancellationToken.None);
        }
        catch (Exception exception) when (writes.Count > 1 && IsCausedByData(exception))
        {
            LogIsolatingBatchFailure(writes.Count, rows.Count, exception.Message);
            var half = writes.Count / 2;
            return await AppendIsolatingFailuresAsync(writes[..half]) + await AppendIsolatingFailuresAsync(writes[half..]);
        }
        catch (Exception exception)
        {
            // A lost connection or a timeout is nobody's data: every caller of the batch sees it.
            if (!IsCausedByData(exception))
            {
                LogBatchFailed(writes.Count, rows.Count, exception);
            }

            foreach (var write in writes)
            {
                write.Completion.TrySetException(exception);
            }

            return 0;
        }

        foreach (var write in writes)
        {
            write.Completion.TrySetResult();
        }

        return rows.Count;
    }

    /// <summary>True when the database refused these rows (a retry of other rows can succeed), not the connection.</summary>
    internal static bool IsCausedByData(Exception exception) =>
        exception is DuplicateMessageException or ArgumentException
        || (exception is PostgresException postgres && (postgres.SqlState.StartsWith("22", StringComparison.Ordinal) || postgres.SqlState.StartsWith("23", StringComparison.Ordinal)));

    [LoggerMessage(Level = LogLevel.Warning, Message = "A batch of {Writes} writes ({Messages} messages) was refused ({Reason}); retrying it in halves so only the offending writes fail")]
    private partial void LogIsolatingBatchFailure(int writes, int messages, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "Storing a batch of {Writes} writes ({Messages} messages) failed; every caller in it sees the error")]
    private partial void LogBatchFailed(int writes, int messages, Exception exception);

    [LoggerMessage(Level = LogLevel.Critical, Message = "A message flush crashed outside the store call")]
    private partial void LogFlushCrashed(Exception exception);

    private sealed class PendingWrite(IReadOnlyList<StoredMessage> messages, long enqueuedAt)
    {
        public IReadOnlyList<StoredMessage> Messages { get; } = messages;

        public long EnqueuedAt { get; } = enqueuedAt;

        // Continuations run elsewhere, so a grain's continuation never runs on (and stalls) the flushing thread.
        public TaskCompletionSource Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
